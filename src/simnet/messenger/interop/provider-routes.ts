/**
 * The interoperability API a registered provider calls with its token: find opted-in users (or
 * list them all), publish the people it reaches as third-party identities, open chats and act
 * in them as one of those identities. Every action goes through the same rules as a user's
 * (send.ts, message-actions.ts, groups.ts); the contact is simply the one acting.
 */
import { z } from "zod";
import type { HttpHandler, HttpRequest, HttpResponse, Router } from "../../core/http.js";
import { badRequest, unauthorized } from "../../core/protocol-error.js";
import { parse } from "../../core/validate.js";
import { accessFor, messageInThread, participantIds, type MessageAccess, type ThreadAccess } from "../access.js";
import { conflict, notFound, userNotFound } from "../errors.js";
import { addParticipants, normaliseGroupName, removeParticipant } from "../groups.js";
import { NUMERIC_ID } from "../ids.js";
import { EditBody, editMessage, ReactionBody, removeReaction, setReaction, unsendMessage } from "../message-actions.js";
import { ERROR_CODES, LIMITS, THIRD_PARTY_NETWORKS, type InteropSnapshot, type WireInteropParticipant } from "../protocol.js";
import { downloadAttachment, storeUpload } from "../profile-routes.js";
import { MessageBody, postMessage } from "../send.js";
import type { Messenger } from "../services.js";
import { toWireAttachment } from "../store/attachments.js";
import { markRead, relayTyping, TypingBody } from "../thread-routes.js";
import { notOptedIn } from "./consent.js";
import { openChat, withdrawIdentity } from "./chats.js";
import { providerStream } from "./hub.js";
import { toWireIdentity, type IdentityRow } from "./identities.js";
import { toWireProvider, type ProviderRow } from "./providers.js";

/** The provider's own ids for people: `[A-Za-z0-9._:=-]`, at most 128 characters. */
const IDENTITY_ID = new RegExp(`^[A-Za-z0-9._:=-]{1,${LIMITS.maxIdentityIdLength}}$`);

const Participant = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("native"), id: z.string().min(1).max(20) }),
  z.object({ kind: z.literal("third_party"), id: z.string().regex(IDENTITY_ID, "must be 1 to 128 characters of A-Z a-z 0-9 . _ : = -") }),
]);
const Participants = z.array(Participant).min(1).max(LIMITS.maxGroupParticipants);

const IdentityBody = z.object({
  name: z.string().trim().min(1).max(LIMITS.maxIdentityNameLength),
  network: z.enum(THIRD_PARTY_NETWORKS),
  handle: z.string().trim().min(1).max(LIMITS.maxIdentityHandleLength),
});
const ChatBody = z.object({ kind: z.enum(["direct", "group"]), title: z.string().nullable().optional(), members: z.array(Participant).max(LIMITS.maxGroupParticipants) });
const MembersBody = z.object({ participants: Participants });
const SendBody = MessageBody.omit({ sticker_id: true, mentions: true }).extend({ key: z.string().min(1).max(LIMITS.maxSendKeyLength) });
const ReadBody = z.object({ message_id: z.string().min(1).max(100) });
const LookupQuery = z.string().trim().min(1).max(320);

type ProviderHandler = (request: HttpRequest, provider: ProviderRow) => HttpResponse | Promise<HttpResponse>;

function asProvider(m: Messenger, handler: ProviderHandler): HttpHandler {
  return (request) => {
    const provider = m.interop.providers.findByToken(request.token);
    if (!provider) throw unauthorized(request.token ? "the provider token is not valid (revoked or unknown)" : "a provider token is required");
    return handler(request, provider);
  };
}

/** One of the provider's published (not withdrawn) identities, by the provider's id for it. */
function identityOf(m: Messenger, provider: ProviderRow, id: string): IdentityRow {
  const identity = IDENTITY_ID.test(id) ? m.interop.identities.find(provider.id, id) : undefined;
  if (!identity || identity.removed_at !== null) throw notFound(ERROR_CODES.identityNotFound, `no published identity '${id.slice(0, 128)}'`);
  return identity;
}

/** The users and contacts a list names, as Messenger ids. */
function resolve(m: Messenger, provider: ProviderRow, participants: readonly WireInteropParticipant[]): { users: string[]; contacts: string[] } {
  const users: string[] = [];
  const contacts: string[] = [];
  for (const p of participants) {
    if (p.kind === "native") users.push(p.id);
    else contacts.push(identityOf(m, provider, p.id).contact);
  }
  return { users, contacts };
}

/** `as`'s view of one of the provider's chats; a chat without users left reaches nobody. */
function openAs(m: Messenger, provider: ProviderRow, as: string, chatId: string): ThreadAccess {
  const contact = identityOf(m, provider, as).contact;
  const thread = m.threads.get(chatId);
  if (!thread || m.interop.registry.provider(chatId) !== provider.id) throw notFound(ERROR_CODES.threadNotFound, `no chat '${chatId.slice(0, 64)}'`);
  const access = accessFor(m, thread, contact);
  if (access.participants.every((p) => p.provider !== null)) throw notOptedIn("nobody in this chat");
  return access;
}

const CHAT = "/v1/interop/identities/:as/chats/:chatId";

export function addProviderRoutes(m: Messenger, routes: Router): void {
  /** A route acting in one chat as one identity, in one transaction. */
  const inChat = (method: string, path: string, act: (request: HttpRequest, access: ThreadAccess, provider: ProviderRow) => unknown) =>
    routes.add(
      method,
      `${CHAT}${path}`,
      asProvider(m, (request, provider) =>
        m.streams.transaction(() => ({ body: act(request, openAs(m, provider, request.params.as ?? "", request.params.chatId ?? ""), provider) })),
      ),
    );
  const onMessage = (method: string, path: string, act: (request: HttpRequest, access: MessageAccess) => unknown) =>
    inChat(method, `/messages/:messageId${path}`, (request, access) => act(request, { message: messageInThread(m, access, request.params.messageId ?? ""), ...access }));

  routes.add("GET", "/v1/interop/me", asProvider(m, (_request, provider) => ({ body: { provider: toWireProvider(provider) } })));

  routes.add(
    "GET",
    "/v1/interop/users",
    asProvider(m, ({ query }, provider) => {
      const handle = parse(LookupQuery, query.get("handle") ?? "", "handle");
      const account = handle.includes("@") ? m.accounts.findByEmail(handle) : NUMERIC_ID.test(handle) ? m.accounts.get(handle) : undefined;
      // One answer for nobody and for someone who has not opted in: a lookup tells nothing more.
      if (!account || !m.interop.consent.optedIn(account.id)) throw userNotFound(handle.slice(0, 320));
      m.streams.transaction(() => m.interop.consent.learn(account.id, provider.id));
      return { body: { user: { id: account.id, name: account.name } } };
    }),
  );

  routes.add(
    "GET",
    "/v1/interop/opt_ins",
    asProvider(m, (_request, provider) =>
      m.streams.transaction(() => {
        const users = m.interop.consent.optedInUsers();
        // Each is known to the provider now, as after a lookup: their opt-out will reach it.
        for (const user of users) m.interop.consent.learn(user.id, provider.id);
        return { body: { users } };
      }),
    ),
  );

  routes.add(
    "GET",
    "/v1/interop/sync",
    asProvider(m, (_request, provider) => {
      const snapshot: InteropSnapshot = {
        seq: m.streams.latest(providerStream(provider.id)),
        chats: m.interop.registry.chats(provider.id).map((key) => m.interop.hub.chatView(key)),
      };
      return { body: snapshot };
    }),
  );

  routes.add(
    "PUT",
    "/v1/interop/identities/:identityId",
    asProvider(m, ({ params, body }, provider) => {
      const id = params.identityId ?? "";
      if (!IDENTITY_ID.test(id)) throw identityIdInvalid();
      const spec = parse(IdentityBody, body);
      return m.streams.transaction(() => {
        const holder = m.interop.identities.withHandle(provider.id, spec.handle);
        if (holder && holder.identity !== id) throw conflictHandle(spec.handle);
        return { body: { identity: toWireIdentity(m.interop.identities.publish(provider.id, id, spec, m.now())) } };
      });
    }),
  );

  routes.add(
    "DELETE",
    "/v1/interop/identities/:identityId",
    asProvider(m, ({ params }, provider) =>
      m.streams.transaction(() => {
        const identity = m.interop.identities.find(provider.id, params.identityId ?? "");
        if (!identity) throw notFound(ERROR_CODES.identityNotFound, `no identity '${(params.identityId ?? "").slice(0, 128)}'`);
        // Withdrawing twice (a retry) changes nothing.
        if (identity.removed_at === null) withdrawIdentity(m, identity.contact);
        return { body: { success: true } };
      }),
    ),
  );

  routes.add(
    "POST",
    "/v1/interop/identities/:as/attachments",
    asProvider(m, ({ params, body }, provider) => {
      const owner = identityOf(m, provider, params.as ?? "").contact;
      return { status: 201, body: toWireAttachment(storeUpload(m, owner, body)) };
    }),
  );

  routes.add("GET", "/v1/interop/attachments/:attachmentId", asProvider(m, ({ params }) => ({ body: downloadAttachment(m, params.attachmentId ?? "") })));

  routes.add(
    "POST",
    "/v1/interop/identities/:as/chats",
    asProvider(m, ({ params, body }, provider) => {
      const request = parse(ChatBody, body);
      return m.streams.transaction(() => {
        const creator = identityOf(m, provider, params.as ?? "").contact;
        const { users, contacts } = resolve(m, provider, request.members);
        const name = normaliseGroupName(request.title);
        const thread = openChat(m, { provider: provider.id, kind: request.kind, creator, users, contacts: contacts.filter((c) => c !== creator), name });
        return { status: request.kind === "group" ? 201 : 200, body: { chat: m.interop.hub.chatView(thread.key) } };
      });
    }),
  );

  inChat("POST", "/participants", ({ body }, access, provider) => {
    const { users, contacts } = resolve(m, provider, parse(MembersBody, body).participants);
    addParticipants(m, access, users, contacts);
    return { chat: m.interop.hub.chatView(access.thread.key) };
  });

  inChat("POST", "/participants/remove", ({ body }, access, provider) => {
    const { users, contacts } = resolve(m, provider, parse(MembersBody, body).participants);
    const me = access.me.account;
    const members = [...new Set([...users, ...contacts])];
    // Others first, then (if asked) the identity itself leaves; each removal is told to whoever
    // is still in, so the view is opened again each time.
    for (const member of [...members.filter((id) => id !== me), ...members.filter((id) => id === me)]) {
      removeParticipant(m, accessFor(m, access.thread, me), member);
    }
    return { chat: m.interop.hub.chatView(access.thread.key) };
  });

  routes.add(
    "POST",
    `${CHAT}/messages`,
    asProvider(m, async ({ params, body }, provider) => {
      const request = parse(SendBody, body);
      // The key and the message commit together; a refused send stores no key.
      const { result } = await m.sendCommits.run(() =>
        m.idempotency.once(`interop-send:${provider.id}`, request.key, () => {
          const access = openAs(m, provider, params.as ?? "", params.chatId ?? "");
          const { id, timestamp } = postMessage(m, access.me.account, { thread: access.thread, members: participantIds(access) }, request, null);
          return { message_id: id, chat_id: access.thread.key, timestamp };
        }),
      );
      return { body: result };
    }),
  );

  onMessage("PATCH", "", ({ body }, access) => editMessage(m, access, parse(EditBody.omit({ mentions: true }), body).text));
  onMessage("DELETE", "", (_request, access) => unsendMessage(m, access));
  onMessage("PUT", "/reaction", ({ body }, access) => setReaction(m, access, parse(ReactionBody, body).emoji));
  onMessage("DELETE", "/reaction", (_request, access) => removeReaction(m, access));
  inChat("POST", "/read", ({ body }, access) => ({ watermark_timestamp: markRead(m, access, parse(ReadBody, body)) }));
  inChat("POST", "/typing", ({ body }, access) => {
    relayTyping(m, access, parse(TypingBody, body).typing);
    return { success: true };
  });
}

const identityIdInvalid = () => badRequest(ERROR_CODES.invalidArgument, "an identity id is 1 to 128 characters of A-Z a-z 0-9 . _ : = -");
const conflictHandle = (handle: string) => conflict(ERROR_CODES.handleTaken, `another of your identities already has the handle '${handle}'`);
