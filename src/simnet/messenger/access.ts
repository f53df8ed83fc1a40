/**
 * Who is asking and what they may reach: the session behind a bearer token, a thread by the id
 * the viewer knows it under (a direct thread comes into being the first time it is addressed),
 * and a message with the thread it belongs to.
 */
import type { HttpHandler, HttpRequest, HttpResponse } from "../core/http.js";
import { badRequest } from "../core/protocol-error.js";
import type { Session } from "../core/sessions.js";
import { forbidden, messageNotFound, notFound, notParticipant, userNotFound } from "./errors.js";
import { directKey, NUMERIC_ID } from "./ids.js";
import { ERROR_CODES } from "./protocol.js";
import type { Messenger } from "./services.js";
import type { AccountRow } from "./store/accounts.js";
import type { MessageRow } from "./store/messages.js";
import type { ParticipantRow, ThreadRow } from "./store/threads.js";

export type AuthedHandler = (request: HttpRequest, session: Session) => HttpResponse | Promise<HttpResponse>;

export function authed(m: Messenger, handler: AuthedHandler): HttpHandler {
  return (request) => handler(request, m.sessions.require(request.token));
}

export interface ThreadAccess {
  thread: ThreadRow;
  participants: ParticipantRow[];
  /** The viewer's own participation. */
  me: ParticipantRow;
}

export function requireNumericId(value: string, what: string): string {
  if (!NUMERIC_ID.test(value)) throw badRequest(ERROR_CODES.invalidArgument, `'${value}' is not a valid ${what} id`);
  return value;
}

/** The account with this numeric id, or `user_not_found`. */
export function requireAccount(m: Messenger, id: string, what = "user"): AccountRow {
  const account = m.accounts.get(requireNumericId(id, what));
  if (!account) throw userNotFound(id);
  return account;
}

/** The thread `wireId` names for `viewer`: a group id, or the other person's id. */
function findThread(m: Messenger, viewer: string, wireId: string): ThreadRow {
  requireNumericId(wireId, "thread");
  const group = m.threads.get(wireId);
  if (group) return group;
  if (wireId === viewer) throw badRequest(ERROR_CODES.cannotMessageSelf, "a direct thread needs another person");
  const key = directKey(viewer, wireId);
  const direct = m.threads.get(key);
  if (direct) return direct;
  if (!m.accounts.get(wireId)) throw notFound(ERROR_CODES.threadNotFound, `no thread or user '${wireId}'`);
  return m.db.transaction(() => m.threads.create(key, "direct", viewer, [viewer, wireId], new Set(), null, m.now()))();
}

export function openThread(m: Messenger, viewer: string, wireId: string): ThreadAccess {
  return accessFor(m, findThread(m, viewer, wireId), viewer);
}

/** The lean form the send path needs: the thread and its members' ids. */
export function openThreadMembers(m: Messenger, viewer: string, wireId: string): { thread: ThreadRow; members: string[] } {
  const thread = findThread(m, viewer, wireId);
  const members = m.threads.memberIds(thread.key);
  if (!members.includes(viewer)) throw notParticipant();
  return { thread, members };
}

/** The thread as `viewer` (a participant: a user, or a contact acting through its provider) opened it. */
export function accessFor(m: Messenger, thread: ThreadRow, viewer: string): ThreadAccess {
  const participants = m.threads.participants(thread.key);
  const me = participants.find((p) => p.account === viewer);
  if (!me) throw notParticipant();
  return { thread, participants, me };
}

export function requireGroup(access: ThreadAccess): void {
  if (access.thread.kind !== "group") throw badRequest(ERROR_CODES.notGroup, "only group threads have names, images, admins and members to manage");
}

export function requireAdmin(access: ThreadAccess): void {
  requireGroup(access);
  if (access.me.is_admin !== 1) throw forbidden(ERROR_CODES.notAdmin, "only a group admin may do this");
}

export const participantIds = (access: ThreadAccess) => access.participants.map((p) => p.account);

export type MessageAccess = { message: MessageRow } & ThreadAccess;

/** A message of the thread `access` opened, or `message_not_found`. */
export function messageInThread(m: Messenger, access: ThreadAccess, messageId: string): MessageRow {
  const message = m.messages.get(messageId);
  if (!message || message.thread !== access.thread.key) throw messageNotFound(messageId);
  return message;
}

/** A message the viewer can see, with its thread. */
function openMessage(m: Messenger, viewer: string, messageId: string): MessageAccess {
  const message = m.messages.get(messageId);
  if (!message) throw messageNotFound(messageId);
  const thread = m.threads.get(message.thread);
  if (!thread) throw messageNotFound(messageId);
  return { message, ...accessFor(m, thread, viewer) };
}

/**
 * A route acting on one thread (`:threadId`): authenticated, and run in one transaction with
 * the thread opened for the caller, so the change and its deltas commit together.
 */
export function inThread(m: Messenger, handler: (request: HttpRequest, access: ThreadAccess) => HttpResponse): HttpHandler {
  return authed(m, (request, session) =>
    m.streams.transaction(() => handler(request, openThread(m, session.account, request.params.threadId ?? ""))),
  );
}

/** A route acting on one message (`:messageId`), in one transaction like `inThread`. */
export function inMessage(m: Messenger, handler: (request: HttpRequest, access: MessageAccess) => HttpResponse): HttpHandler {
  return authed(m, (request, session) =>
    m.streams.transaction(() => handler(request, openMessage(m, session.account, request.params.messageId ?? ""))),
  );
}
