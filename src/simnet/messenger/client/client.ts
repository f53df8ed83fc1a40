/**
 * One logged-in Messenger session: its REST API and its realtime stream, and what to save to
 * pick the session up again later (token and stream position). No global state: two clients
 * are two sessions, and `close()` releases everything a client opened.
 */
import type { LoginSuccess, TwoFactorChallenge } from "../protocol.js";
import { MessengerApi } from "./api.js";
import { MessengerHttp, type RetryPolicy } from "./http.js";
import { completeTwoFactor, startLogin, type PasswordLogin } from "./login.js";
import { MessengerRealtime, type RealtimeOptions } from "./realtime.js";

export interface SavedSession {
  accessToken: string;
  sessionId: string;
  accountId: string;
  /** The last delta seq handed over, to resume the stream from. */
  lastSeq?: number;
}

export interface ClientOptions {
  retry?: RetryPolicy;
  realtime?: Pick<RealtimeOptions, "ackDelayMs" | "backoff">;
}

/** Asked for the 2FA code when the account has two-factor authentication on. */
export type CodePrompt = (challenge: TwoFactorChallenge) => Promise<string>;

export class MessengerClient {
  readonly api: MessengerApi;
  private stream: MessengerRealtime | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly session: SavedSession,
    private readonly options: ClientOptions = {},
  ) {
    this.api = new MessengerApi(new MessengerHttp(baseUrl, session.accessToken, options.retry));
  }

  /** Logs in with email and password, asking `askCode` for the code if 2FA is on. */
  static async login(baseUrl: string, login: PasswordLogin, askCode: CodePrompt, options: ClientOptions = {}): Promise<MessengerClient> {
    const step = await startLogin(baseUrl, login, options.retry);
    const session =
      step.status === "logged_in" ? step.session : await completeTwoFactor(baseUrl, step.challenge.login_token, await askCode(step.challenge), options.retry);
    return MessengerClient.fromLogin(baseUrl, session, options);
  }

  static fromLogin(baseUrl: string, login: LoginSuccess, options: ClientOptions = {}): MessengerClient {
    return new MessengerClient(baseUrl, { accessToken: login.access_token, sessionId: login.session_id, accountId: login.account_id }, options);
  }

  get accountId(): string {
    return this.session.accountId;
  }

  get sessionId(): string {
    return this.session.sessionId;
  }

  get accessToken(): string {
    return this.session.accessToken;
  }

  /** This session's delta stream (one per client); call `start()` on it to connect. */
  realtime(): MessengerRealtime {
    this.stream ??= new MessengerRealtime({
      ...this.options.realtime,
      baseUrl: this.baseUrl,
      credentials: { access_token: this.session.accessToken },
      ...(this.session.lastSeq !== undefined ? { lastSeq: this.session.lastSeq } : {}),
      snapshot: () => this.api.snapshot(),
    });
    return this.stream;
  }

  save(): SavedSession {
    const lastSeq = this.stream?.lastSeq ?? this.session.lastSeq;
    return { accessToken: this.session.accessToken, sessionId: this.session.sessionId, accountId: this.session.accountId, ...(lastSeq !== undefined ? { lastSeq } : {}) };
  }

  /** Ends the session on the server (the token stops working), then closes. */
  async logout(): Promise<void> {
    await this.api.logout();
    await this.close();
  }

  /** Closes the stream and the kept-alive connections; the session stays valid for `restore`. */
  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    // Closing finishes the delta in progress, which may move the position: read it afterwards.
    await stream?.close();
    if (stream) this.session.lastSeq = stream.lastSeq ?? this.session.lastSeq;
    this.api.http.close();
  }
}
