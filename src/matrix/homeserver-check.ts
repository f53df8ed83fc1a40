/**
 * Start-up checks against the homeserver, so the two commonest set-up mistakes get a sentence
 * that says what to do instead of a stack trace from deep inside the bot-sdk: the homeserver is
 * not (yet) reachable, or it has not loaded this registration.
 */
import type { Logger } from "../logging/logger.js";
import { StartupError } from "../startup-error.js";

export interface HomeserverCheckOptions {
  homeserverUrl: string;
  asToken: string;
  botUserId: string;
  /** How long to keep trying an unreachable homeserver: it may be starting alongside us. */
  waitMs: number;
  logger: Logger;
}

const MAX_RETRY_DELAY_MS = 10_000;

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Asks the homeserver's client API for its versions: undefined when it answers, otherwise why
 * not (a connection error code or an HTTP status).
 */
export async function probeHomeserver(homeserverUrl: string, timeoutMs = 10_000): Promise<string | undefined> {
  try {
    const response = await fetch(`${homeserverUrl}/_matrix/client/versions`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok ? undefined : `HTTP ${response.status}`;
  } catch (error) {
    return describe(error);
  }
}

/** Resolves once the client API answers; retries with growing delays until `waitMs` is spent. */
export async function waitForHomeserver(options: HomeserverCheckOptions): Promise<void> {
  const deadline = Date.now() + options.waitMs;
  for (let delay = 500; ; delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)) {
    const reason = await probeHomeserver(options.homeserverUrl);
    if (reason === undefined) return;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new StartupError(
        "HOMESERVER_UNREACHABLE",
        `cannot reach the homeserver at ${options.homeserverUrl} (homeserver.url): ${reason}. ` +
          "Is it running, and is the URL right from where crosschat runs?",
      );
    }
    options.logger.warn(`Homeserver not reachable yet (${reason}); trying again`, { url: options.homeserverUrl });
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
  }
}

/** Fails unless the homeserver knows the registration's as_token as this bridge's bot. */
export async function checkRegistrationLoaded(options: HomeserverCheckOptions): Promise<void> {
  const response = await fetch(`${options.homeserverUrl}/_matrix/client/v3/account/whoami`, {
    headers: { authorization: `Bearer ${options.asToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json().catch(() => ({}))) as { user_id?: string; errcode?: string };
  if (response.ok && body.user_id === options.botUserId) return;
  const answer = response.ok ? `it answers as ${body.user_id ?? "nobody"}` : `${response.status} ${body.errcode ?? ""}`.trim();
  throw new StartupError(
    "REGISTRATION_NOT_LOADED",
    `the homeserver does not accept the registration's as_token as ${options.botUserId} (${answer}). ` +
      "Add the registration file to the homeserver's app_service_config_files and restart the homeserver; " +
      "if you regenerated its tokens, give the homeserver the new file.",
  );
}

export interface PingOptions {
  homeserverUrl: string;
  asToken: string;
  appserviceId: string;
  /** Where the registration tells the homeserver to push events, for the warning. */
  appserviceUrl: string;
  logger: Logger;
}

/**
 * Asks the homeserver to ping this bridge (MSC2659, Matrix 1.7). Besides proving that events can
 * reach the bridge, a successful ping makes Synapse retry at once what it queued while the bridge
 * was away, instead of after its backoff, which grows to minutes during a long outage.
 * A failure is only logged: the bridge can still act on Matrix, and the homeserver will retry.
 * Resolves to whether the homeserver reached the bridge.
 */
export async function pingFromHomeserver(options: PingOptions): Promise<boolean> {
  const url = `${options.homeserverUrl}/_matrix/client/v1/appservice/${encodeURIComponent(options.appserviceId)}/ping`;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${options.asToken}`, "content-type": "application/json" },
      body: JSON.stringify({ transaction_id: `crosschat-start-${Date.now()}` }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json().catch(() => ({}))) as { duration_ms?: number; errcode?: string; error?: string };
    if (response.ok) {
      options.logger.info("The homeserver reaches the bridge", { durationMs: body.duration_ms });
      return true;
    }
    if (body.errcode === "M_UNRECOGNIZED" || response.status === 404) {
      options.logger.debug("The homeserver has no appservice ping endpoint (before Matrix 1.7)");
      return false;
    }
    options.logger.warn(
      `The homeserver cannot reach the bridge at ${options.appserviceUrl} (the registration's url, from appservice.public_url): ` +
        `${body.errcode ?? `HTTP ${response.status}`} ${body.error ?? ""}`.trim() +
        ". Events from Matrix will not arrive until it can.",
    );
  } catch (error) {
    options.logger.warn("Could not ask the homeserver to ping the bridge", { reason: describe(error) });
  }
  return false;
}
