/** The Instagram simulation's client library: what a bridge connector, a test or a script imports. */
export { InstagramAdminClient, type AdminAccount, type AdminChallenge, type AdminThirdPartyThread, type AdminThread, type NewAccount } from "./admin.js";
export { InstagramAgent, itemText, toAgentEvent, toAgentMessage } from "./agent.js";
export { InstagramInteropApi, type ProviderItemAck, type ProviderState } from "./interop-api.js";
export { decodeInteropPatch } from "./interop-events.js";
export { clientContextFor, instagramInteropKit, InstagramInteropProvider } from "./interop.js";
export { InstagramInteropUser } from "./interop-user.js";
export { InstagramApi, type LoginActivity, type Page, type SavedInstagramSession, type Upload, type UploadKind } from "./api.js";
export { InstagramClient, type ItemAck, type SendOptions } from "./client.js";
export { isFeedbackRequired, isInstagramError, readInstagramError } from "./errors.js";
export { decodePatch, type InstagramEvent, type PositionedEvent } from "./events.js";
export { DEFAULT_RETRY, InstagramHttp, retryDelay, type RetryPolicy } from "./http.js";
export { instagramKit, usernameFromName } from "./kit.js";
export { newDeviceId, resumeSession, startLogin, type LoginRequest, type LoginStep } from "./login.js";
export { InstagramRealtime, RealtimeSendInterrupted, type RealtimeEvents, type RealtimeOptions, type RealtimeSession } from "./realtime.js";
export * from "../protocol.js";
