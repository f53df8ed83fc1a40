/**
 * The Messenger-like network: numeric ids and real names, email + password login with optional
 * 2FA, REST for actions and a WebSocket of numbered deltas resumed with `last_seq`, idempotent
 * sends by offline threading id, mention ranges, stickers, read watermarks, group threads
 * with admins, and third-party chats through the interoperability API (interop/). See
 * docs/simnet/messenger.md for the protocol.
 */
import { ackSchema } from "../core/acks.js";
import { idempotencySchema } from "../core/idempotency.js";
import { mediaSchema } from "../core/media.js";
import type { NetworkDefinition } from "../core/network.js";
import { sessionSchema } from "../core/sessions.js";
import { addAdminRoutes } from "./admin-routes.js";
import { resolveSettings, type MessengerOptions } from "./config.js";
import { renderError } from "./errors.js";
import { addGroupRoutes } from "./group-routes.js";
import { addLoginRoutes } from "./login.js";
import { addMessageActionRoutes } from "./message-actions.js";
import { addProfileRoutes } from "./profile-routes.js";
import { REALTIME_PATH } from "./protocol.js";
import { closeRevokedSessions, serveRealtime } from "./realtime.js";
import { addInteropAdminRoutes } from "./interop/admin-routes.js";
import { addProviderRoutes } from "./interop/provider-routes.js";
import { messengerInteropSchema } from "./interop/schema.js";
import { addInteropUserRoutes } from "./interop/user-routes.js";
import { messengerSchema } from "./schema.js";
import { addSendRoute } from "./send.js";
import { createMessenger } from "./services.js";
import { addThreadRoutes } from "./thread-routes.js";

export type { MessengerOptions } from "./config.js";

/** JSON and base64 overhead on top of the largest attachment. */
const BODY_OVERHEAD_BYTES = 64 * 1024;

export function createMessengerNetwork(options: MessengerOptions = {}): NetworkDefinition {
  const settings = resolveSettings(options);
  return {
    id: "messenger",
    schema: [sessionSchema, idempotencySchema, mediaSchema, ackSchema, messengerSchema, messengerInteropSchema],
    retention: { maxEventsPerStream: 10_000, maxAgeMs: 14 * 24 * 60 * 60_000 },
    maxBodyBytes: Math.ceil(settings.maxAttachmentBytes / 3) * 4 + BODY_OVERHEAD_BYTES,
    maxFrameBytes: 64 * 1024,
    realtimePath: REALTIME_PATH,
    renderError,
    setup(context) {
      const m = createMessenger(context, settings);
      addLoginRoutes(m, context.clientRoutes);
      addProfileRoutes(m, context.clientRoutes);
      addThreadRoutes(m, context.clientRoutes);
      addGroupRoutes(m, context.clientRoutes);
      addSendRoute(m, context.clientRoutes);
      addMessageActionRoutes(m, context.clientRoutes);
      addInteropUserRoutes(m, context.clientRoutes);
      addProviderRoutes(m, context.clientRoutes);
      addAdminRoutes(m, context.adminRoutes);
      addInteropAdminRoutes(m, context.adminRoutes);
      const stopClosing = closeRevokedSessions(m);
      return {
        onRealtime: (connection) => serveRealtime(m, connection),
        close: stopClosing,
      };
    },
  };
}

export const messengerNetwork: NetworkDefinition = createMessengerNetwork();
