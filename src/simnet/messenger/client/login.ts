/**
 * The login flow as steps a UI (or the bridge's login command) drives: password first; when the
 * account has two-factor authentication on, that answers with a challenge, and the code the user
 * received completes it.
 */
import { SimnetRequestError } from "../../client/http.js";
import { ERROR_CODES, type LoginSuccess, type TwoFactorChallenge } from "../protocol.js";
import { MessengerHttp, type RetryPolicy } from "./http.js";

export interface PasswordLogin {
  email: string;
  password: string;
  /** Shown in the user's list of sessions. */
  deviceName?: string;
}

export type LoginStep = { status: "logged_in"; session: LoginSuccess } | { status: "two_factor_required"; challenge: TwoFactorChallenge };

export async function startLogin(baseUrl: string, login: PasswordLogin, retry?: RetryPolicy): Promise<LoginStep> {
  const http = new MessengerHttp(baseUrl, undefined, retry);
  try {
    const body = { email: login.email, password: login.password, ...(login.deviceName ? { device_name: login.deviceName } : {}) };
    return { status: "logged_in", session: await http.request<LoginSuccess>("POST", "/v1/auth/login", body) };
  } catch (error) {
    if (error instanceof SimnetRequestError && error.code === ERROR_CODES.twoFactorRequired) {
      const details = (error.body as { error: TwoFactorChallenge }).error;
      return { status: "two_factor_required", challenge: { login_token: details.login_token, expires_at: details.expires_at, code_length: details.code_length } };
    }
    throw error;
  } finally {
    http.close();
  }
}

export async function completeTwoFactor(baseUrl: string, loginToken: string, code: string, retry?: RetryPolicy): Promise<LoginSuccess> {
  const http = new MessengerHttp(baseUrl, undefined, retry);
  try {
    return await http.request<LoginSuccess>("POST", "/v1/auth/login/two_factor", { login_token: loginToken, code: code.trim() });
  } finally {
    http.close();
  }
}
