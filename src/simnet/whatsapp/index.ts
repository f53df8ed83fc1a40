/**
 * The WhatsApp-like simulated network: phone registration by SMS code, companion devices
 * linked with an 8-character pairing code, end-to-end encrypted messages (the server stores
 * one ciphertext per device), per-device ordered stanza streams over one WebSocket per device,
 * groups with admins and announcement mode, presence and chat states; and third-party chats
 * (interop/): an interoperability API for providers that bring people from other networks.
 */
import { AckLedger, ackSchema } from "../core/acks.js";
import { MediaStore, mediaSchema } from "../core/media.js";
import type { NetworkDefinition } from "../core/network.js";
import { RateLimiter } from "../core/rate-limit.js";
import { Sessions, sessionSchema } from "../core/sessions.js";
import { accountRoutes } from "./account-routes.js";
import { Accounts } from "./accounts.js";
import { adminRoutes } from "./admin-routes.js";
import { chatRoutes } from "./chat-routes.js";
import { Chats } from "./chats.js";
import type { Wa, WhatsappOptions } from "./context.js";
import { renderError } from "./errors.js";
import { groupRoutes } from "./group-routes.js";
import { Live } from "./live.js";
import { MessageStore } from "./message-store.js";
import { Pairing } from "./pairing.js";
import { CIPHER_OVERHEAD, DEFAULT_MEDIA_LIMITS, DEFAULT_RATE_LIMITS, REALTIME_PATH } from "./protocol.js";
import { closeLoggedOut, realtimeHandler } from "./realtime.js";
import { registrationRoutes } from "./registration.js";
import { whatsappSchema } from "./schema.js";
import { interopSchema } from "./interop/schema.js";
import { createInteropState, interopView } from "./interop/state.js";
import { providerRoutes } from "./interop/provider-routes.js";
import { userInteropRoutes } from "./interop/user-routes.js";
import { interopAdminRoutes } from "./interop/admin-routes.js";

export type { WhatsappOptions } from "./context.js";

const MB = 1024 * 1024;

export function createWhatsappNetwork(options: WhatsappOptions = {}): NetworkDefinition {
  const rateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const mediaLimits = { ...DEFAULT_MEDIA_LIMITS, ...options.mediaLimits };
  const largestMedia = Math.max(...Object.values(mediaLimits)) + CIPHER_OVERHEAD;
  return {
    id: "whatsapp",
    schema: [sessionSchema, mediaSchema, ackSchema, whatsappSchema, interopSchema],
    retention: options.retention ?? { maxEventsPerStream: 100_000, maxAgeMs: 30 * 86_400_000 },
    // The largest upload, base64 (4/3) in a JSON body, with room for the rest of the body.
    maxBodyBytes: Math.max(Math.ceil((largestMedia * 4) / 3) + MB, 8 * MB),
    maxFrameBytes: 8 * MB,
    realtimePath: REALTIME_PATH,
    renderError,
    setup({ db, streams, faults, clientRoutes, adminRoutes: admin, now, log }) {
      const accounts = new Accounts(db, now);
      const sessions = new Sessions(db, now);
      const interop = createInteropState(db, sessions, new RateLimiter({ limit: rateLimits.interopLookupsPerMinute, windowMs: 60_000 }, now), now);
      const wa: Wa = {
        db,
        streams,
        sessions,
        accounts,
        chats: new Chats(db, accounts, interopView(interop, accounts), now),
        interop,
        media: new MediaStore(db, now),
        acks: new AckLedger(db),
        sendLimiter: new RateLimiter({ limit: rateLimits.sendsPerMinute, windowMs: 60_000 }, now),
        codeLimiter: new RateLimiter({ limit: rateLimits.codeRequestsPerHour, windowMs: 3_600_000 }, now),
        options: { rateLimits, mediaLimits },
        now,
        log,
        logoutReasons: new Map(),
      };
      const store = new MessageStore(db);
      const live = new Live(wa);
      const pairing = new Pairing(wa);
      registrationRoutes(wa, clientRoutes);
      pairing.routes(clientRoutes);
      accountRoutes(wa, clientRoutes);
      chatRoutes(wa, store, live, clientRoutes);
      groupRoutes(wa, clientRoutes);
      adminRoutes(wa, store, pairing, admin);
      providerRoutes(wa, store, live, clientRoutes);
      userInteropRoutes(wa, clientRoutes);
      interopAdminRoutes(wa, store, admin);
      const stopListening = wa.sessions.onRevoked((session) => closeLoggedOut(wa, live, session.id));
      return {
        onRealtime: realtimeHandler(wa, store, live, faults),
        close() {
          stopListening();
          pairing.close();
        },
      };
    },
  };
}

export const whatsappNetwork: NetworkDefinition = createWhatsappNetwork();
