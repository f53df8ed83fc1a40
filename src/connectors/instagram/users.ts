/** Instagram users as the core's RemoteUser: the pk for good, the name to show, "@username" beside it. */
import type { RemoteUser } from "../../network/index.js";
import type { IgUser } from "../../simnet/instagram/protocol.js";
import { displayName, type Download } from "./incoming.js";

export function remoteUser(user: IgUser, download: Download): RemoteUser {
  const url = user.profile_pic_url;
  return {
    id: user.pk,
    name: displayName(user),
    identifier: `@${user.username}`,
    ...(url
      ? {
          // The server decides the image type from the bytes; any image type is fine for an avatar.
          avatar: { mimeType: "image/jpeg", download: () => download(url) },
          avatarId: user.profile_pic_id ?? url,
        }
      : {}),
  };
}

/** What a person types for a username: "@Alice" and "alice" are the same account. */
export function normaliseUsername(identifier: string): string {
  return identifier.trim().replace(/^@/, "").toLowerCase();
}
