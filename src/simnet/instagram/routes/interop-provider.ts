/**
 * The interoperability API a provider calls, under /api/v1/interop/ with its `IGI:1:` token:
 * looking users up by username (or listing everyone who opted in), publishing identities,
 * opening and changing third-party chats, and acting in them as an identity (`as`) with
 * Instagram's own routes and rules: sends through `threads/broadcast/<kind>/` (idempotent by
 * client_context, limited per identity), reactions, edits, unsends, seen markers and typing.
 */
import { z } from "zod";
import type { HttpHandler, HttpRequest, Router } from "../../core/http.js";
import { badRequest } from "../../core/protocol-error.js";
import { parse } from "../../core/validate.js";
import type { Instagram } from "../context.js";
import { notFound } from "../errors.js";
import { clientContext, numericId } from "../fields.js";
import type { RealtimeHub } from "../hub.js";
import { itemIdParam, threadIdParam } from "../ids.js";
import { providerStream } from "../interop/feed.js";
import { describeIdentity } from "../interop/identities.js";
import type { ThirdPartyChats } from "../interop/service.js";
import type { Messaging } from "../messaging.js";
import { INTEROP_API, INTEROP_BADGES, LIKE_EMOJI, LIMITS, SEND_KINDS } from "../protocol.js";
import type { Sends } from "../sends.js";
import { acceptUpload, uploadAnswer, type UploadKind } from "../uploads.js";
import { ok } from "./common.js";

const I = INTEROP_API;
const as = z.string().max(256);
const participant = z.union([z.object({ user_id: numericId }).strict(), z.object({ third_party_id: z.string().max(256) }).strict()]);
const identityBody = z.object({ third_party_id: z.string().max(256), name: z.string().max(256), network: z.enum(INTEROP_BADGES), handle: z.string().max(256) });
const threadBody = z.object({
  thread_type: z.enum(["private", "group"]),
  thread_title: z.string().max(500).optional(),
  creator: as,
  participants: z.array(participant).max(LIMITS.groupMaxParticipants),
});
const participantsBody = z.object({ as, participants: z.array(participant).min(1).max(LIMITS.groupMaxParticipants) });
const asBody = z.object({ as });
const sendBody = z.object({ as, thread_id: numericId, client_context: clientContext });
const uploadBody = z.object({ as, media_type: z.string().max(32), data: z.string() });
const editBody = asBody.extend({ text: z.string().max(100_000) });
const reactionBody = asBody.extend({ thread_id: numericId, item_id: numericId, reaction_status: z.enum(["created", "deleted"]), emoji: z.string().max(64).optional() });
const activityBody = asBody.extend({ activity_status: z.union([z.literal(0), z.literal(1)]) });

const UPLOAD_KINDS: readonly string[] = ["photo", "video", "audio"] satisfies UploadKind[];

/** A handler for a provider; its result is answered with `status: "ok"`. */
function asProvider(ig: Instagram, handler: (provider: string, request: HttpRequest) => object | Promise<object>): HttpHandler {
  return async (request) => ok(await handler(ig.providers.authenticate(request.token).provider_id, request));
}

export function interopProviderRoutes(routes: Router, ig: Instagram, chats: ThirdPartyChats, messaging: Messaging, sends: Sends, hub: RealtimeHub): void {
  const thread = (threadId: string) => ({ thread: ig.feed.thread(threadId) });
  const itemAction = (action: string, work: (pk: string, threadId: string, itemId: bigint, body: unknown) => object) =>
    routes.add(
      "POST",
      `${I}/threads/:threadId/items/:itemId/${action}/`,
      asProvider(ig, (provider, { params, body }) => {
        const threadId = threadIdParam(params.threadId);
        return work(chats.actingIn(provider, threadId, parse(asBody, body).as), threadId, itemIdParam(params.itemId), body);
      }),
    );

  routes
    .add("GET", `${I}/state/`, asProvider(ig, (provider) => ({ provider_id: provider, seq_id: ig.net.streams.latest(providerStream(provider)) })))
    .add("GET", `${I}/users/`, asProvider(ig, () => ({ users: ig.optIns.users() })))
    .add(
      "GET",
      `${I}/users/:username/`,
      asProvider(ig, (_provider, { params }) => {
        const user = chats.lookup(params.username ?? "");
        // One answer, word for word, for nobody and for someone who did not opt in.
        if (!user) throw notFound("user_not_found", "User not found.");
        return { user };
      }),
    )
    .add(
      "POST",
      `${I}/identities/`,
      asProvider(ig, (provider, { body }) => {
        const spec = parse(identityBody, body);
        return { identity: describeIdentity(chats.publishIdentity(provider, { id: spec.third_party_id, name: spec.name, network: spec.network, handle: spec.handle })) };
      }),
    )
    .add(
      "POST",
      `${I}/identities/:id/remove/`,
      asProvider(ig, (provider, { params }) => {
        chats.removeIdentity(provider, params.id ?? "");
        return {};
      }),
    )
    .add(
      "POST",
      `${I}/threads/`,
      asProvider(ig, (provider, { body }) => {
        const spec = parse(threadBody, body);
        const title = spec.thread_title?.trim() ? spec.thread_title : null;
        return thread(chats.createChat(provider, { kind: spec.thread_type === "private" ? "direct" : "group", title, creator: spec.creator, participants: spec.participants }));
      }),
    )
    .add(
      "POST",
      `${I}/uploads/`,
      asProvider(ig, (provider, { body }) => {
        const request = parse(uploadBody, body);
        const owner = ig.identities.own(provider, request.as).pk;
        if (!UPLOAD_KINDS.includes(request.media_type)) throw badRequest("unsupported_media_type", "Instagram direct messages carry photos, videos and voice messages only");
        const { mime, data } = acceptUpload(request.media_type as UploadKind, request.data);
        const stored = ig.media.put(owner, mime, data);
        return { upload_id: stored.id, mime, size: stored.size };
      }),
    )
    .add("GET", `${I}/uploads/:uploadId/`, asProvider(ig, (_provider, { params }) => uploadAnswer(ig.media, params.uploadId)));

  for (const change of ["add", "remove"] as const) {
    routes.add(
      "POST",
      `${I}/threads/:threadId/${change}_participants/`,
      asProvider(ig, (provider, { params, body }) => {
        const threadId = threadIdParam(params.threadId);
        const request = parse(participantsBody, body);
        (change === "add" ? chats.addParticipants : chats.removeParticipants).call(chats, provider, threadId, request.as, request.participants);
        return thread(threadId);
      }),
    );
  }

  for (const kind of SEND_KINDS) {
    routes.add(
      "POST",
      `${I}/threads/broadcast/${kind}/`,
      asProvider(ig, async (provider, { body }) => {
        const request = parse(sendBody, body);
        return (await sends.send(chats.actingIn(provider, request.thread_id, request.as), kind, body)).payload;
      }),
    );
  }

  routes.add(
    "POST",
    `${I}/threads/broadcast/reaction/`,
    asProvider(ig, (provider, { body }) => {
      const request = parse(reactionBody, body);
      const threadId = threadIdParam(request.thread_id);
      const emoji = request.reaction_status === "deleted" ? null : (request.emoji ?? LIKE_EMOJI);
      return { changed: messaging.react(chats.actingIn(provider, threadId, request.as), threadId, itemIdParam(request.item_id), emoji) };
    }),
  );
  itemAction("edit", (pk, threadId, itemId, body) => {
    messaging.edit(pk, threadId, itemId, parse(editBody, body).text);
    return {};
  });
  itemAction("delete", (pk, threadId, itemId) => {
    messaging.unsend(pk, threadId, itemId);
    return {};
  });
  itemAction("seen", (pk, threadId, itemId) => ({ changed: messaging.seen(pk, threadId, itemId) }));
  routes.add(
    "POST",
    `${I}/threads/:threadId/activity/`,
    asProvider(ig, (provider, { params, body }) => {
      const threadId = threadIdParam(params.threadId);
      const request = parse(activityBody, body);
      hub.typing(chats.actingIn(provider, threadId, request.as), threadId, request.activity_status === 1);
      return {};
    }),
  );
}
