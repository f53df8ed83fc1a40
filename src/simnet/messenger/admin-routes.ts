/**
 * The admin API: accounts (with avatars), threads created on people's behalf, a thread's stored
 * messages for assertions, pending two-factor codes, and an account's sessions. Admin thread
 * keys are the storage keys: a group's id, or `<lower id>:<higher id>` for a direct thread.
 */
import { z } from "zod";
import type { Router } from "../core/http.js";
import { decodeBase64 } from "../core/media.js";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { openThread, requireAccount, requireNumericId } from "./access.js";
import { conflict, notFound } from "./errors.js";
import { createGroup, normaliseGroupName, requireAccounts } from "./groups.js";
import { wireThreadId } from "./ids.js";
import { ERROR_CODES, LIMITS } from "./protocol.js";
import type { Messenger } from "./services.js";
import { pageSize } from "./paging.js";
import { toWireAccount } from "./store/accounts.js";
import { toWireMessage } from "./store/messages.js";
import { threadView } from "./views.js";

const AccountBody = z.object({
  name: z.string().trim().min(1).max(100),
  email: z.email().max(320),
  password: z.string().min(1).max(1024),
  two_factor: z.boolean().optional(),
  avatar: z.object({ mime: z.string().regex(/^image\/[a-z0-9.+-]+$/i, "must be an image MIME type"), data: z.string() }).optional(),
});

const ThreadBody = z.object({
  kind: z.enum(["direct", "group"]).optional(),
  participant_ids: z.array(z.string().min(1).max(20)).min(2).max(LIMITS.maxGroupParticipants),
  admin_ids: z.array(z.string().min(1).max(20)).optional(),
  creator_id: z.string().min(1).max(20).optional(),
  name: z.string().nullable().optional(),
});

const ADMIN_MESSAGE_LIMIT = 10_000;

export function addAdminRoutes(m: Messenger, routes: Router): void {
  routes.add("POST", "/admin/accounts", ({ body }) => {
    const request = parse(AccountBody, body);
    if (m.accounts.findByEmail(request.email)) throw conflict(ERROR_CODES.emailTaken, `'${request.email}' already has an account`);
    const avatar = request.avatar && decodeBase64(request.avatar.data, m.settings.maxAttachmentBytes, "avatar.data");
    const account = m.db.transaction(() => {
      const row = m.accounts.create({ name: request.name, email: request.email, password: request.password, twoFactor: request.two_factor ?? false });
      if (avatar) {
        row.avatar_media = m.attachments.add(row.id, "image", request.avatar!.mime, "avatar", avatar).id;
        m.accounts.setAvatar(row.id, row.avatar_media);
      }
      return row;
    })();
    return { status: 201, body: toWireAccount(account) };
  });

  routes.add("GET", "/admin/accounts", () => ({ body: { accounts: m.accounts.list().map(toWireAccount) } }));

  routes.add("GET", "/admin/accounts/:accountId", ({ params }) => ({ body: toWireAccount(requireAccount(m, params.accountId ?? "", "account")) }));

  routes.add("GET", "/admin/accounts/:accountId/sessions", ({ params }) => {
    const account = requireAccount(m, params.accountId ?? "", "account");
    const sessions = m.sessions.list(account.id).map((s) => ({ session_id: s.id, device_name: s.label, created_at: s.createdAt }));
    return { body: { sessions } };
  });

  routes.add("GET", "/admin/two-factor-codes", ({ query }) => {
    const email = query.get("email");
    const id = query.get("account_id");
    if (!email && !id) throw badRequest(ERROR_CODES.invalidArgument, "name the account with ?email= or ?account_id=");
    const account = email ? m.accounts.findByEmail(email) : m.accounts.get(id!);
    const pending = account ? m.pendingLogins.pending(account.id, m.now()) : [];
    const codes = pending.map((c) => ({
      account_id: c.account,
      email: c.email,
      code: c.code,
      device_name: c.device_name,
      created_at: c.created_at,
      expires_at: c.expires_at,
    }));
    return { body: { codes } };
  });

  routes.add("POST", "/admin/threads", ({ body }) => {
    const request = parse(ThreadBody, body);
    const members = [...new Set(request.participant_ids.map((id) => requireNumericId(id, "account")))];
    const kind = request.kind ?? (members.length === 2 ? "direct" : "group");
    const creator = request.creator_id ?? members[0]!;
    if (!members.includes(creator)) throw badRequest(ERROR_CODES.invalidArgument, "'creator_id' must be one of the participants");
    requireAccounts(m, members);
    return m.streams.transaction(() => {
      if (kind === "direct") {
        if (members.length !== 2) throw badRequest(ERROR_CODES.invalidArgument, "a direct thread has exactly two participants");
        const other = members.find((id) => id !== creator)!;
        const { thread } = openThread(m, creator, other);
        return { status: 201, body: { key: thread.key, thread: threadView(m, thread, creator), ids: Object.fromEntries(members.map((id) => [id, wireThreadId(thread.key, id)])) } };
      }
      const admins = new Set(request.admin_ids ?? []);
      const thread = createGroup(m, creator, members, admins, normaliseGroupName(request.name));
      return { status: 201, body: { key: thread.key, thread: threadView(m, thread, creator), ids: Object.fromEntries(members.map((id) => [id, thread.key])) } };
    });
  });

  routes.add("GET", "/admin/threads/:key/messages", ({ params, query }) => {
    const key = params.key ?? "";
    const thread = m.threads.get(key);
    if (!thread) throw notFound(ERROR_CODES.threadNotFound, `no thread '${key}'`);
    const limit = pageSize(query, "limit", ADMIN_MESSAGE_LIMIT, ADMIN_MESSAGE_LIMIT);
    // Stored state, unsent messages included (with when), keyed by storage key rather than by viewer.
    const messages = m.messages
      .before(key, limit)
      .reverse()
      .map((row) => ({ ...toWireMessage(row, "", m.messages.reactions(row.id)), thread_id: key, unsent_at: row.unsent_at }));
    return { body: { thread: { ...threadView(m, thread, ""), id: key }, messages } };
  });
}
