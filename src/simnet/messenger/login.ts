/**
 * Logging in with email and password, the optional two-factor step, and the sessions a user can
 * list and revoke. Wrong passwords and wrong codes spend the account's login budget; once it is
 * spent every attempt is refused with 429 until it refills.
 */
import { z } from "zod";
import { newNumericCode, newToken, verifyPassword } from "../core/credentials.js";
import type { Router } from "../core/http.js";
import { ProtocolError } from "../core/protocol-error.js";
import { parse } from "../core/validate.js";
import { authed } from "./access.js";
import { accountStream } from "./deltas.js";
import { notFound, tooManyRequests } from "./errors.js";
import { ERROR_CODES, LIMITS, type LoginSuccess, type TwoFactorChallenge, type WireSession } from "./protocol.js";
import type { Messenger } from "./services.js";

const LoginBody = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
  device_name: z.string().trim().min(1).max(LIMITS.maxDeviceNameLength).optional(),
});

const TwoFactorBody = z.object({
  login_token: z.string().min(1).max(200),
  code: z.string().min(1).max(20),
});

const throttleKey = (email: string) => email.toLowerCase();

function checkThrottle(m: Messenger, email: string): void {
  const decision = m.loginLimits.check(throttleKey(email));
  if (!decision.ok) throw tooManyRequests(ERROR_CODES.loginThrottled, "too many failed login attempts; try again later", decision.retryAfterMs);
}

function failure(m: Messenger, email: string, code: string, message: string): ProtocolError {
  m.loginLimits.take(throttleKey(email));
  return new ProtocolError(401, code, message);
}

/** Opens a session whose stream position starts at "now": a new device syncs from a snapshot. */
function openSession(m: Messenger, account: string, deviceName: string): LoginSuccess {
  const { session, token } = m.sessions.create(account, deviceName);
  const latest = m.streams.latest(accountStream(account));
  if (latest > 0) m.acks.ack(accountStream(account), session.id, latest, latest);
  return { access_token: token, session_id: session.id, account_id: account };
}

export function addLoginRoutes(m: Messenger, routes: Router): void {
  routes.add("POST", "/v1/auth/login", ({ body }) => {
    const request = parse(LoginBody, body);
    checkThrottle(m, request.email);
    const account = m.accounts.findByEmail(request.email);
    if (!account || !verifyPassword(request.password, account.password_hash)) {
      throw failure(m, request.email, ERROR_CODES.invalidCredentials, "the email or password is incorrect");
    }
    const deviceName = request.device_name ?? "Unknown device";
    if (account.two_factor !== 1) return { body: openSession(m, account.id, deviceName) };
    const loginToken = newToken();
    const now = m.now();
    const challenge: TwoFactorChallenge = { login_token: loginToken, expires_at: now + LIMITS.loginTokenTtlMs, code_length: LIMITS.twoFactorCodeDigits };
    m.pendingLogins.add(loginToken, {
      account: account.id,
      code: newNumericCode(LIMITS.twoFactorCodeDigits),
      device_name: deviceName,
      created_at: now,
      expires_at: challenge.expires_at,
    });
    throw new ProtocolError(401, ERROR_CODES.twoFactorRequired, "enter the login code sent to your phone", { ...challenge });
  });

  routes.add("POST", "/v1/auth/login/two_factor", ({ body }) => {
    const request = parse(TwoFactorBody, body);
    const pending = m.pendingLogins.find(request.login_token);
    if (!pending || pending.expires_at <= m.now()) {
      throw new ProtocolError(401, ERROR_CODES.loginTokenExpired, "this login has expired or is unknown; log in with your password again");
    }
    checkThrottle(m, pending.email);
    if (request.code !== pending.code) throw failure(m, pending.email, ERROR_CODES.invalidTwoFactorCode, "the login code is incorrect");
    m.pendingLogins.complete(request.login_token);
    return { body: openSession(m, pending.account, pending.device_name) };
  });

  routes.add(
    "POST",
    "/v1/auth/logout",
    authed(m, (_request, session) => {
      m.sessions.revoke(session.id);
      return { body: { success: true } };
    }),
  );

  routes.add(
    "GET",
    "/v1/sessions",
    authed(m, (_request, current) => {
      const sessions: WireSession[] = m.sessions.list(current.account).map((s) => ({
        session_id: s.id,
        device_name: s.label,
        created_at: s.createdAt,
        current: s.id === current.id,
      }));
      return { body: { sessions } };
    }),
  );

  routes.add(
    "DELETE",
    "/v1/sessions/:sessionId",
    authed(m, ({ params }, current) => {
      const target = m.sessions.get(params.sessionId ?? "");
      if (!target || target.account !== current.account) throw notFound(ERROR_CODES.sessionNotFound, `no session '${params.sessionId}' on your account`);
      m.sessions.revoke(target.id);
      return { body: { success: true } };
    }),
  );
}
