/**
 * The user's own profile, other users by pk or current username, uploads (photos, videos, voice
 * audio) and posts: publishing one (a feed post, reel or story) and looking one up.
 */
import { z } from "zod";
import type { Router } from "../../core/http.js";
import { parse } from "../../core/validate.js";
import type { Instagram } from "../context.js";
import { notFound } from "../errors.js";
import { userIdParam } from "../ids.js";
import type { Profiles } from "../profiles.js";
import { API } from "../protocol.js";
import { uploadUrl } from "../accounts.js";
import { acceptUpload, ownUpload, uploadAnswer } from "../uploads.js";
import { authed } from "./common.js";

const profileBody = z.object({ username: z.string().max(64).optional(), full_name: z.string().max(256).optional() });
const pictureBody = z.object({ data: z.string() });
const uploadBody = z.object({ media_type: z.enum(["photo", "video", "audio"]), data: z.string() });
const publishBody = z.object({
  kind: z.enum(["post", "reel", "story"]),
  caption: z.string().max(10_000).default(""),
  upload_id: z.string().max(64).optional(),
});

export function accountRoutes(routes: Router, ig: Instagram, profiles: Profiles): void {
  routes
    .add(
      "GET",
      `${API}/accounts/current_user/`,
      authed(ig, (session) => ({ user: ig.accounts.user(session.account) })),
    )
    .add(
      "POST",
      `${API}/accounts/edit_profile/`,
      authed(ig, (session, { body }) => {
        const change = parse(profileBody, body);
        return {
          user: profiles.update(session.account, {
            ...(change.username !== undefined ? { username: change.username } : {}),
            ...(change.full_name !== undefined ? { fullName: change.full_name } : {}),
          }),
        };
      }),
    )
    .add(
      "POST",
      `${API}/accounts/change_profile_picture/`,
      authed(ig, (session, { body }) => ({ user: profiles.update(session.account, { avatar: parse(pictureBody, body).data }) })),
    )
    .add(
      "GET",
      `${API}/users/:userId/info/`,
      authed(ig, (_session, { params }) => ({ user: ig.accounts.user(ig.accounts.require(userIdParam(params.userId)).pk) })),
    )
    .add(
      "GET",
      `${API}/users/:username/usernameinfo/`,
      authed(ig, (_session, { params }) => {
        const account = ig.accounts.byUsername(params.username ?? "");
        if (!account) throw notFound("user_not_found", `User not found: ${params.username}`);
        return { user: ig.accounts.user(account.pk) };
      }),
    )
    .add(
      "POST",
      `${API}/uploads/`,
      authed(ig, (session, { body }) => {
        const request = parse(uploadBody, body);
        const { mime, data } = acceptUpload(request.media_type, request.data);
        const stored = ig.media.put(session.account, mime, data);
        return { upload_id: stored.id, mime, size: stored.size, url: uploadUrl(stored.id) };
      }),
    )
    .add(
      "GET",
      `${API}/uploads/:uploadId/`,
      authed(ig, (_session, { params }) => uploadAnswer(ig.media, params.uploadId)),
    )
    .add(
      "POST",
      `${API}/media/configure/`,
      authed(ig, (session, { body }) => {
        const request = parse(publishBody, body);
        const image = request.upload_id ? uploadUrl(ownUpload(ig.media, session.account, request.upload_id, ["photo", "video"]).id) : undefined;
        ig.limits.takeAction(session.account);
        return { media: ig.posts.create(session.account, request.kind, request.caption, image) };
      }),
    )
    .add(
      "GET",
      `${API}/media/:mediaId/info/`,
      authed(ig, (_session, { params }) => ({ items: [ig.posts.get(params.mediaId ?? "")] })),
    );
}
