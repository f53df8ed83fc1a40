/**
 * Logging in with email and password, then, when the account has two-factor authentication on,
 * the 6-digit code Messenger sent. Wrong credentials ask again; a wrong code asks for the code
 * again; an expired login token starts over; throttling ends the flow with the wait.
 */
import type { LoginFlow, LoginStep } from "../../network/index.js";
import { SimnetRequestError } from "../../simnet/client/http.js";
import { MessengerApi } from "../../simnet/messenger/client/api.js";
import { MessengerHttp } from "../../simnet/messenger/client/http.js";
import { completeTwoFactor, startLogin } from "../../simnet/messenger/client/login.js";
import type { LoginSuccess, TwoFactorChallenge } from "../../simnet/messenger/protocol.js";
import { retryAfterFrom } from "../common/errors.js";
import { toNetworkError } from "./errors.js";
import { minutes } from "../common/minutes.js";

const CREDENTIALS = [
  { id: "email", label: "the email address of your Messenger account" },
  { id: "password", label: "your Messenger password", secret: true },
];

function askCredentials(error?: string): LoginStep {
  return {
    type: "input",
    fields: CREDENTIALS,
    instructions: "Send the email address and password of your Messenger account. The bridge logs in as a new session of it, listed under your account's sessions.",
    ...(error !== undefined ? { error } : {}),
  };
}

function askCode(challenge: TwoFactorChallenge, error?: string): LoginStep {
  return {
    type: "input",
    fields: [{ id: "code", label: `the ${challenge.code_length}-digit login code`, secret: true }],
    instructions:
      `Your account has two-factor authentication on: Messenger has sent a ${challenge.code_length}-digit login code to your phone or authenticator app ` +
      `(in the simulation: \`crosschat simnet code messenger <email>\`). Send it before ${new Date(challenge.expires_at).toISOString()}.`,
    ...(error !== undefined ? { error } : {}),
  };
}

function throttled(error: SimnetRequestError): LoginStep {
  const ms = retryAfterFrom(error, "retry_after_seconds");
  const wait = ms !== undefined ? ` Try again in ${minutes(ms)}.` : " Try again later.";
  return { type: "failed", reason: `Messenger blocked logging in to this account for a while after too many wrong passwords or codes.${wait}` };
}

export class MessengerLoginFlow implements LoginFlow {
  private challenge: TwoFactorChallenge | undefined;
  private email = "";

  constructor(
    private readonly url: string,
    private readonly deviceName: string,
  ) {}

  async start(): Promise<LoginStep> {
    return askCredentials();
  }

  async submit(values: Record<string, string>): Promise<LoginStep> {
    return this.challenge ? this.submitCode(this.challenge, values.code ?? "") : this.submitCredentials(values.email ?? "", values.password ?? "");
  }

  private async submitCredentials(email: string, password: string): Promise<LoginStep> {
    email = email.trim();
    if (email === "" || password === "") return askCredentials("Send both the email address and the password.");
    this.email = email;
    try {
      const step = await startLogin(this.url, { email, password, deviceName: this.deviceName }, { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 });
      if (step.status === "logged_in") return this.done(step.session);
      this.challenge = step.challenge;
      return askCode(step.challenge);
    } catch (error) {
      if (error instanceof SimnetRequestError) {
        if (error.status === 429) return throttled(error);
        if (error.code === "invalid_credentials" || error.code === "user_not_found" || error.status === 400)
          return askCredentials(`Messenger did not accept that email address and password (${error.message}). Check them and send them again.`);
      }
      throw toNetworkError(error);
    }
  }

  private async submitCode(challenge: TwoFactorChallenge, code: string): Promise<LoginStep> {
    if (!/^\s*[0-9]+\s*$/.test(code)) return askCode(challenge, `'${code}' is not a login code: send the ${challenge.code_length} digits.`);
    try {
      return await this.done(await completeTwoFactor(this.url, challenge.login_token, code, { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 }));
    } catch (error) {
      if (error instanceof SimnetRequestError) {
        if (error.status === 429) return throttled(error);
        if (error.code === "login_token_expired") {
          this.challenge = undefined;
          return askCredentials("The login code expired before it was sent (codes last 5 minutes). Send the email address and password again for a new one.");
        }
        if (error.code === "invalid_two_factor_code" || error.status === 400 || error.status === 401) return askCode(challenge, `That code is not right (${error.message}). Check it and send it again.`);
      }
      throw toNetworkError(error);
    }
  }

  private async done(login: LoginSuccess): Promise<LoginStep> {
    this.challenge = undefined;
    const session = { accessToken: login.access_token, sessionId: login.session_id, accountId: login.account_id };
    return { type: "done", login: { remoteUserId: login.account_id, remoteName: await this.fullName(login), session } };
  }

  /** The account's name; the token is handed out only once, so a failure here must not lose it. */
  private async fullName(login: LoginSuccess): Promise<string> {
    const api = new MessengerApi(new MessengerHttp(this.url, login.access_token));
    try {
      return (await api.me()).name;
    } catch {
      return this.email;
    } finally {
      api.http.close();
    }
  }

  async cancel(): Promise<void> {
    this.challenge = undefined;
  }

  /** Nothing to wait for: every step is an answer to input. */
  async wait(): Promise<LoginStep> {
    return this.challenge ? askCode(this.challenge) : askCredentials();
  }
}
