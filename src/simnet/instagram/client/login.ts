/**
 * Logging in as steps, the way the app does it: username + password gives either a session or
 * a checkpoint challenge; the challenge takes the 6-digit code sent to the user (on the
 * simulation: read through the admin API) and then gives the session. Wrong credentials are
 * SimnetRequestErrors with code `bad_password` or `invalid_user`.
 */
import { randomBytes } from "node:crypto";
import { API, ERRORS, type IgChallenge, type IgLoginAnswer } from "../protocol.js";
import type { SavedInstagramSession } from "./api.js";
import { InstagramClient } from "./client.js";
import { isInstagramError } from "./errors.js";
import { InstagramHttp, type RetryPolicy } from "./http.js";

export type LoginStep =
  | { status: "ok"; client: InstagramClient }
  | {
      status: "checkpoint_required";
      challenge: IgChallenge;
      /** Sends the security code; resolves with the logged-in client. */
      submit(code: string): Promise<InstagramClient>;
    };

export interface LoginRequest {
  username: string;
  password: string;
  /** The device the session belongs to; a device that passed a checkpoint is trusted later. Generated if absent. */
  deviceId?: string;
}

/** An Android-style device id, as Instagram's app sends. */
export function newDeviceId(): string {
  return `android-${randomBytes(8).toString("hex")}`;
}

function session(baseUrl: string, answer: IgLoginAnswer, deviceId: string, retry?: RetryPolicy): InstagramClient {
  const saved: SavedInstagramSession = {
    token: answer.authorization_token,
    userId: answer.logged_in_user.pk,
    username: answer.logged_in_user.username,
    sessionId: answer.session_id,
    deviceId,
  };
  return new InstagramClient(baseUrl, saved, retry);
}

export async function startLogin(baseUrl: string, request: LoginRequest, retry?: RetryPolicy): Promise<LoginStep> {
  const http = new InstagramHttp(baseUrl, undefined, retry);
  const deviceId = request.deviceId ?? newDeviceId();
  try {
    const answer = await http.call<IgLoginAnswer>("POST", `${API}/accounts/login/`, { username: request.username, password: request.password, device_id: deviceId });
    http.close();
    return { status: "ok", client: session(baseUrl, answer, deviceId, retry) };
  } catch (error) {
    http.close();
    if (!isInstagramError(error, ERRORS.checkpoint)) throw error;
    const challenge = (error.body as { challenge: IgChallenge }).challenge;
    return {
      status: "checkpoint_required",
      challenge,
      submit: async (code) => {
        const answer = await http.call<IgLoginAnswer>("POST", `${API}/challenge/${encodeURIComponent(challenge.challenge_id)}/`, { security_code: code });
        http.close();
        return session(baseUrl, answer, deviceId, retry);
      },
    };
  }
}

/** Continues a saved session (no request is made; the first call shows whether it is still valid). */
export function resumeSession(baseUrl: string, saved: SavedInstagramSession, retry?: RetryPolicy): InstagramClient {
  return new InstagramClient(baseUrl, { ...saved }, retry);
}
