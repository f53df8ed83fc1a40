/**
 * Profile changes: username (Instagram's rules, at most twice in 14 days for the user, any time
 * for the admin), full name and avatar. Each is a profile patch to the user's own sessions and
 * to everyone who shares a thread with them, so clients can show the new name at once.
 */
import type { Instagram } from "./context.js";
import { paths, type IgUser } from "./protocol.js";
import { acceptUpload } from "./uploads.js";

export interface ProfileChange {
  username?: string;
  fullName?: string;
  /** Base64 image. */
  avatar?: string;
}

export class Profiles {
  constructor(private readonly ig: Instagram) {}

  /** Applies the changes together; `limited` is false when the admin acts for the user. */
  update(pk: string, change: ProfileChange, limited = true): IgUser {
    const { ig } = this;
    const avatar = change.avatar !== undefined ? acceptUpload("photo", change.avatar, "avatar") : undefined;
    return ig.transaction(() => {
      let changed = false;
      if (change.username !== undefined) changed = ig.accounts.rename(pk, change.username, limited) || changed;
      if (change.fullName !== undefined && change.fullName.trim() !== ig.accounts.require(pk).fullName) {
        ig.accounts.setFullName(pk, change.fullName);
        changed = true;
      }
      if (avatar) {
        ig.accounts.setAvatar(pk, ig.media.put(pk, avatar.mime, avatar.data).id);
        changed = true;
      }
      const user = ig.accounts.user(pk);
      if (changed) ig.publishEach([pk, ...ig.threads.coParticipants(pk)], () => [{ op: "replace", path: paths.user(pk), value: user }]);
      return user;
    });
  }
}
