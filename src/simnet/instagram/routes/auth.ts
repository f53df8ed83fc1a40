/**
 * Logging in and out: `accounts/login/` (or a checkpoint), `challenge/<id>/` with the code, and
 * the sessions a user can see and end (Instagram's "login activity").
 */
import { z } from "zod";
import type { Router } from "../../core/http.js";
import { parse } from "../../core/validate.js";
import type { Instagram } from "../context.js";
import { notFound } from "../errors.js";
import type { Login } from "../login.js";
import { API, type IgLoginAnswer } from "../protocol.js";
import { authed, ok, sessionOf } from "./common.js";

const loginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  device_id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "a device id is 1-64 letters, digits, - _ . or :"),
});
const challengeBody = z.object({ security_code: z.string().min(1).max(16) });
const endSessionBody = z.object({ session_id: z.string().min(1).max(64) });

const loggedIn = (answer: IgLoginAnswer) => ok(answer, { "ig-set-authorization": `Bearer ${answer.authorization_token}` });

export function authRoutes(routes: Router, ig: Instagram, login: Login): void {
  routes
    .add("POST", `${API}/accounts/login/`, ({ body }) => {
      const { username, password, device_id } = parse(loginBody, body);
      return loggedIn(login.login(username, password, device_id));
    })
    .add("POST", `${API}/challenge/:challengeId/`, ({ params, body }) => {
      const { security_code } = parse(challengeBody, body);
      return loggedIn(login.submitChallenge(params.challengeId ?? "", security_code));
    })
    .add("POST", `${API}/accounts/logout/`, ({ token }) => {
      ig.sessions.revoke(sessionOf(ig, token).id);
      return ok();
    })
    .add(
      "GET",
      `${API}/session/login_activity/`,
      authed(ig, (session) => ({
        sessions: ig.sessions.list(session.account).map((s) => ({ session_id: s.id, device_id: s.label, login_timestamp: s.createdAt, is_current: s.id === session.id })),
      })),
    )
    .add(
      "POST",
      `${API}/session/login_activity/logout_session/`,
      authed(ig, (session, { body }) => {
        const { session_id } = parse(endSessionBody, body);
        const target = ig.sessions.get(session_id);
        if (!target || target.account !== session.account) throw notFound("session_not_found", "No such session on this account.");
        ig.sessions.revoke(target.id);
        return {};
      }),
    );
}
