/** The Messenger client library: what a bridge connector, a script or a test builds on. */
export { MessengerApi, newOfflineThreadingId, type OutgoingMessage, type Upload } from "./api.js";
export { MessengerAdminClient, type AdminInteropChat, type AdminThread, type NewAccountSpec, type PendingCode, type StoredMessage } from "./admin.js";
export { MessengerAgent, messageKind, toAgentEvent, toAgentMessage } from "./agent.js";
export { MessengerClient, type ClientOptions, type CodePrompt, type SavedSession } from "./client.js";
export { readMessengerError } from "./errors.js";
export { DEFAULT_RETRY, MessengerHttp, type RetryPolicy } from "./http.js";
export { messengerKit } from "./kit.js";
export { completeTwoFactor, startLogin, type LoginStep, type PasswordLogin } from "./login.js";
export { MessengerRealtime, RealtimeFrameError, type DeltaEvent, type RealtimeCredentials, type RealtimeEvents, type RealtimeOptions } from "./realtime.js";
export { MessengerInteropProvider, messengerInteropKit, toInteropEvent } from "./interop.js";
export { MessengerThirdPartyChats } from "./third-party.js";
export * from "../protocol.js";
