/**
 * The rest of what a logged-in user reaches over REST: their account and 2FA setting, other
 * users' profiles, the sticker catalog, attachment upload and download, and the sync snapshot a
 * client resumes from after a `resync_required`.
 */
import { z } from "zod";
import { verifyPassword } from "../core/credentials.js";
import type { Router } from "../core/http.js";
import { decodeBase64 } from "../core/media.js";
import { badRequest } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { authed, requireAccount } from "./access.js";
import { accountStream } from "./deltas.js";
import { forbidden, notFound } from "./errors.js";
import { ATTACHMENT_KINDS, ERROR_CODES, LIMITS, type AttachmentKind, type Snapshot } from "./protocol.js";
import type { Messenger } from "./services.js";
import { STICKER_PACKS, STICKERS } from "./stickers.js";
import { toWireAccount, toWireUser } from "./store/accounts.js";
import { toWireAttachment } from "./store/attachments.js";
import { pageSize } from "./paging.js";
import { latestMessages, threadView } from "./views.js";

const TwoFactorBody = z.object({ enabled: z.boolean(), password: z.string().min(1).max(1024) });

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/i;

const UploadBody = z.object({
  kind: z.enum(ATTACHMENT_KINDS as [AttachmentKind, ...AttachmentKind[]]),
  mime: z.string().regex(MIME, "must be a MIME type such as image/png"),
  filename: z.string().min(1).max(LIMITS.maxFilenameLength).optional(),
  data: z.string(),
});

/** Stores an upload after checking its declared kind matches its MIME type and its size. */
export function storeUpload(m: Messenger, owner: string, body: unknown) {
  const request = parse(UploadBody, body);
  if (request.kind !== "file" && !request.mime.toLowerCase().startsWith(`${request.kind}/`)) {
    throw badRequest(ERROR_CODES.attachmentKindMismatch, `an ${request.kind} attachment needs a ${request.kind}/* MIME type, not ${request.mime}`);
  }
  const data = decodeBase64(request.data, m.settings.maxAttachmentBytes);
  if (data.length === 0) throw badRequest(ERROR_CODES.invalidArgument, "an attachment cannot be empty");
  return m.attachments.add(owner, request.kind, request.mime, request.filename ?? null, data);
}

/** An attachment with its bytes (base64), as the download routes answer it. */
export function downloadAttachment(m: Messenger, id: string) {
  const attachment = m.attachments.get(id);
  const data = attachment && m.attachments.data(id);
  if (!attachment || !data) throw notFound(ERROR_CODES.attachmentNotFound, `no attachment '${id}'`);
  return { ...toWireAttachment(attachment), data: data.toString("base64") };
}

export function addProfileRoutes(m: Messenger, routes: Router): void {
  routes.add("GET", "/v1/me", authed(m, (_request, session) => ({ body: toWireAccount(requireAccount(m, session.account)) })));

  routes.add(
    "POST",
    "/v1/me/two_factor",
    authed(m, ({ body }, session) => {
      const request = parse(TwoFactorBody, body);
      const account = requireAccount(m, session.account);
      if (!verifyPassword(request.password, account.password_hash)) throw forbidden(ERROR_CODES.invalidCredentials, "the password is incorrect");
      m.accounts.setTwoFactor(account.id, request.enabled);
      return { body: { two_factor_enabled: request.enabled } };
    }),
  );

  routes.add(
    "GET",
    "/v1/users",
    authed(m, ({ query }) => {
      const email = query.get("email");
      if (!email) throw badRequest(ERROR_CODES.invalidArgument, "look people up with ?email=");
      const account = m.accounts.findByEmail(email);
      if (!account) throw notFound(ERROR_CODES.userNotFound, `nobody uses '${email}'`);
      return { body: toWireUser(account) };
    }),
  );

  routes.add(
    "GET",
    "/v1/users/:userId",
    authed(m, ({ params }) => ({ body: toWireUser(requireAccount(m, params.userId ?? "")) })),
  );

  routes.add("GET", "/v1/stickers", authed(m, () => ({ body: { packs: STICKER_PACKS, stickers: STICKERS } })));

  routes.add(
    "POST",
    "/v1/attachments",
    authed(m, ({ body }, session) => ({ status: 201, body: toWireAttachment(storeUpload(m, session.account, body)) })),
  );

  // Attachment ids are unguessable, like CDN URLs: any logged-in user holding one may fetch it.
  routes.add("GET", "/v1/attachments/:attachmentId", authed(m, ({ params }) => ({ body: downloadAttachment(m, params.attachmentId ?? "") })));

  routes.add(
    "GET",
    "/v1/sync/snapshot",
    authed(m, ({ query }, session) => {
      const account = session.account;
      const perThread = pageSize(query, "messages_per_thread");
      const threadLimit = pageSize(query, "thread_limit", LIMITS.maxPageSize);
      // One read of the stream position and the state it describes: better-sqlite3 is
      // synchronous, so nothing commits in between.
      const snapshot: Snapshot = {
        seq: m.streams.latest(accountStream(account)),
        threads: m.threads.forAccount(account, threadLimit).map((thread) => ({
          thread: threadView(m, thread, account),
          messages: latestMessages(m, thread.key, account, perThread),
        })),
      };
      return { body: snapshot };
    }),
  );
}
