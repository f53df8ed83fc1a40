/**
 * The Instagram simulation: username + password login with occasional checkpoints, stable
 * numeric ids and changeable usernames, a cursor-paged inbox and threads, realtime JSON-patch
 * updates resumed from `seq_id`, sends idempotent by client_context, likes, shared posts and
 * reels, story replies, and strict per-account rate limits answered with `feedback_required`;
 * and the interoperability API, through which a provider brings people from other networks into
 * third-party chats with the users who opted in.
 */
import type { RetentionPolicy } from "../core/event-stream.js";
import type { NetworkDefinition } from "../core/network.js";
import { Instagram } from "./context.js";
import { Conversations } from "./conversations.js";
import { renderInstagramError } from "./errors.js";
import { RealtimeHub } from "./hub.js";
import { DEFAULT_RATE_LIMITS, type InstagramRateLimits } from "./limits.js";
import { Login } from "./login.js";
import { Messaging } from "./messaging.js";
import { Profiles } from "./profiles.js";
import { LIMITS, REALTIME_PATH } from "./protocol.js";
import { serveRealtime } from "./realtime.js";
import { Sends } from "./sends.js";
import { accountRoutes } from "./routes/account.js";
import { adminRoutes } from "./routes/admin.js";
import { authRoutes } from "./routes/auth.js";
import { directRoutes } from "./routes/direct.js";
import { interopAdminRoutes } from "./routes/interop-admin.js";
import { interopProviderRoutes } from "./routes/interop-provider.js";
import { interopUserRoutes } from "./routes/interop-user.js";
import { itemRoutes } from "./routes/items.js";
import { instagramSchema } from "./schema.js";
import { ThirdPartyChats } from "./interop/service.js";

export interface InstagramNetworkOptions {
  rateLimits?: Partial<InstagramRateLimits>;
  /** Chance (0..1) that a login from a device the account has not verified meets a checkpoint; 0.2 by default. */
  checkpointRate?: number;
  retention?: Partial<RetentionPolicy>;
  /** The randomness behind checkpoints; tests may pin it. */
  random?: () => number;
}

export const DEFAULT_CHECKPOINT_RATE = 0.2;
const DEFAULT_RETENTION: RetentionPolicy = { maxEventsPerStream: 10_000, maxAgeMs: 3 * 24 * 3600_000 };

/** Base64 grows bytes by 4/3; the largest upload (a video) plus room for the JSON around it. */
const MAX_BODY_BYTES = Math.ceil((LIMITS.videoMaxBytes * 4) / 3) + 64 * 1024;

export function createInstagramNetwork(options: InstagramNetworkOptions = {}): NetworkDefinition {
  const checkpointRate = options.checkpointRate ?? DEFAULT_CHECKPOINT_RATE;
  if (!(checkpointRate >= 0 && checkpointRate <= 1)) throw new RangeError("checkpointRate must be between 0 and 1");
  const limits = options.rateLimits ?? {};
  const settings = {
    rateLimits: {
      sendsPerMinute: limits.sendsPerMinute ?? DEFAULT_RATE_LIMITS.sendsPerMinute,
      actionsPerMinute: limits.actionsPerMinute ?? DEFAULT_RATE_LIMITS.actionsPerMinute,
      loginAttemptsPerHour: limits.loginAttemptsPerHour ?? DEFAULT_RATE_LIMITS.loginAttemptsPerHour,
    },
    checkpointRate,
    random: options.random ?? Math.random,
  };
  return {
    id: "instagram",
    schema: instagramSchema,
    retention: {
      maxEventsPerStream: options.retention?.maxEventsPerStream ?? DEFAULT_RETENTION.maxEventsPerStream,
      maxAgeMs: options.retention?.maxAgeMs ?? DEFAULT_RETENTION.maxAgeMs,
    },
    maxBodyBytes: MAX_BODY_BYTES,
    maxFrameBytes: LIMITS.maxFrameBytes,
    realtimePath: REALTIME_PATH,
    renderError: renderInstagramError,
    setup(context) {
      const ig = new Instagram(context, settings);
      const messaging = new Messaging(ig);
      const conversations = new Conversations(ig, messaging);
      const profiles = new Profiles(ig);
      const login = new Login(ig);
      const sends = new Sends(ig, messaging);
      const hub = new RealtimeHub(ig);
      const thirdParty = new ThirdPartyChats(ig, conversations);
      authRoutes(context.clientRoutes, ig, login);
      accountRoutes(context.clientRoutes, ig, profiles);
      directRoutes(context.clientRoutes, ig, conversations);
      itemRoutes(context.clientRoutes, ig, messaging, sends, hub);
      adminRoutes(context.adminRoutes, ig, login, profiles, conversations);
      interopProviderRoutes(context.clientRoutes, ig, thirdParty, messaging, sends, hub);
      interopUserRoutes(context.clientRoutes, ig, thirdParty);
      interopAdminRoutes(context.adminRoutes, ig, thirdParty);
      return {
        onRealtime: (connection) => serveRealtime(ig, hub, sends, connection),
        close: () => hub.close(),
      };
    },
  };
}

/** Realistic, strict limits; checkpoints on 20% of logins from new devices. */
export const instagramNetwork: NetworkDefinition = createInstagramNetwork();
