/**
 * The admin API for tests, demos and the shell: accounts (with avatar and checkpoint flag),
 * acting on an account as its owner would (rename) or forcing a checkpoint, pending challenge
 * codes, threads (direct or group) and their stored items, and posts to share.
 */
import { z } from "zod";
import type { HttpRequest, Router } from "../../core/http.js";
import { badRequest } from "../../core/protocol-error.js";
import { parse } from "../../core/validate.js";
import { uploadUrl, type Account } from "../accounts.js";
import type { Instagram } from "../context.js";
import type { Conversations } from "../conversations.js";
import { notFound } from "../errors.js";
import { threadIdParam } from "../ids.js";
import type { Login } from "../login.js";
import type { Profiles } from "../profiles.js";
import { acceptUpload } from "../uploads.js";

const accountBody = z.object({
  username: z.string().max(64),
  full_name: z.string().max(256),
  password: z.string().max(256),
  avatar: z.string().optional(),
  checkpoint: z.boolean().default(false),
});
const profileBody = z.object({ username: z.string().max(64).optional(), full_name: z.string().max(256).optional(), avatar: z.string().optional() });
const checkpointBody = z.object({ flagged: z.boolean().default(true) });
const threadBody = z.object({
  kind: z.enum(["direct", "group"]),
  members: z.array(z.string().max(64)).min(2).max(250),
  admins: z.array(z.string().max(64)).max(250).default([]),
  title: z.string().max(500).optional(),
  creator: z.string().max(64).optional(),
});
const postBody = z.object({ owner: z.string().max(64), kind: z.enum(["post", "reel", "story"]), caption: z.string().max(10_000).default(""), image: z.string().optional() });

export function adminRoutes(routes: Router, ig: Instagram, login: Login, profiles: Profiles, conversations: Conversations): void {
  const describe = (account: Account) => ({
    ...ig.accounts.user(account.pk),
    checkpoint: account.checkpoint,
    created_at: account.createdAt,
    sessions: ig.sessions.list(account.pk).map((s) => ({ session_id: s.id, device_id: s.label, created_at: s.createdAt })),
  });
  const account = (request: HttpRequest) => ig.accounts.require(request.params.ref ?? "");

  routes
    .add("POST", "/admin/accounts", ({ body }) => {
      const spec = parse(accountBody, body);
      const avatar = spec.avatar !== undefined ? acceptUpload("photo", spec.avatar, "avatar") : undefined;
      const created = ig.accounts.create({ username: spec.username, fullName: spec.full_name, password: spec.password, checkpoint: spec.checkpoint });
      if (avatar) ig.accounts.setAvatar(created.pk, ig.media.put(created.pk, avatar.mime, avatar.data).id);
      return { status: 201, body: describe(ig.accounts.require(created.pk)) };
    })
    .add("GET", "/admin/accounts", () => ({ body: { accounts: ig.accounts.list().map(describe) } }))
    .add("GET", "/admin/accounts/:ref", (request) => ({ body: describe(account(request)) }))
    .add("POST", "/admin/accounts/:ref/profile", (request) => {
      const change = parse(profileBody, request.body);
      const pk = account(request).pk;
      profiles.update(
        pk,
        {
          ...(change.username !== undefined ? { username: change.username } : {}),
          ...(change.full_name !== undefined ? { fullName: change.full_name } : {}),
          ...(change.avatar !== undefined ? { avatar: change.avatar } : {}),
        },
        false,
      );
      return { body: describe(ig.accounts.require(pk)) };
    })
    .add("POST", "/admin/accounts/:ref/checkpoint", (request) => {
      const pk = account(request).pk;
      ig.accounts.setCheckpoint(pk, parse(checkpointBody, request.body ?? {}).flagged);
      return { body: describe(ig.accounts.require(pk)) };
    })
    .add("GET", "/admin/challenges", ({ query }) => {
      const username = query.get("username");
      return { body: { challenges: login.pending(username ? ig.accounts.require(username).pk : undefined) } };
    })
    .add("POST", "/admin/threads", ({ body }) => {
      const spec = parse(threadBody, body);
      const members = [...new Set(spec.members.map((ref) => ig.accounts.require(ref).pk))];
      const creator = spec.creator !== undefined ? ig.accounts.require(spec.creator).pk : members[0]!;
      if (!members.includes(creator)) throw badRequest("not_participant", "the creator must be a member");
      if (spec.kind === "direct") {
        if (members.length !== 2) throw badRequest("invalid_argument", "a direct thread has exactly two members");
        return { status: 201, body: conversations.direct(creator, members.find((pk) => pk !== creator)!, false) };
      }
      const admins = spec.admins.map((ref) => ig.accounts.require(ref).pk);
      return { status: 201, body: conversations.group({ creator, members, admins, title: spec.title ?? null }, false) };
    })
    .add("GET", "/admin/threads/:threadId", ({ params }) => {
      const threadId = threadIdParam(params.threadId);
      const thread = ig.threads.get(threadId);
      if (!thread) throw notFound("thread_not_found", `Thread not found: ${threadId}`);
      const participants = ig.threads.participants(threadId).map((p) => ({ ...ig.accounts.user(p.pk), is_admin: p.isAdmin, seen_item_id: p.seenItemId }));
      return { body: { ...thread, participants } };
    })
    .add("GET", "/admin/threads/:threadId/items", ({ params }) => {
      const threadId = threadIdParam(params.threadId);
      return { body: { items: ig.items.all(threadId).map((row) => ig.render.item(row)) } };
    })
    .add("POST", "/admin/posts", ({ body }) => {
      const spec = parse(postBody, body);
      const owner = ig.accounts.require(spec.owner).pk;
      const image = spec.image !== undefined ? acceptUpload("photo", spec.image, "image") : undefined;
      const imageUrl = image ? uploadUrl(ig.media.put(owner, image.mime, image.data).id) : undefined;
      return { status: 201, body: ig.posts.create(owner, spec.kind, spec.caption, imageUrl) };
    });
}
