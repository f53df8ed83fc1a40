/**
 * Username + password login, sometimes interrupted by a checkpoint. The rule: a login meets a
 * checkpoint when the admin flagged the account, or, from a device the account has not yet
 * verified, with probability `checkpointRate`. The answer is then Instagram's
 * `checkpoint_required` with a challenge; a 6-digit code becomes pending (the admin API shows
 * it, standing in for the email Instagram would send), and submitting it completes the login
 * and trusts the device. Codes last 10 minutes and allow 5 wrong tries.
 */
import { newNumericCode, newToken, verifyPassword } from "../core/credentials.js";
import { badRequest, ProtocolError } from "../core/protocol-error.js";
import type { Account } from "./accounts.js";
import { accountStream, type Instagram } from "./context.js";
import { notFound } from "./errors.js";
import { API, ERRORS, LIMITS, TOKEN_PREFIX, type IgChallenge, type IgLoginAnswer, type IgPendingChallenge } from "./protocol.js";

interface ChallengeRow {
  id: string;
  pk: string;
  code: string;
  device_id: string;
  created_at: number;
  expires_at: number;
  attempts: number;
  state: "pending" | "passed" | "failed";
}

export class Login {
  private readonly s;

  constructor(private readonly ig: Instagram) {
    const { db } = ig.net;
    this.s = {
      insert: db.prepare<[string, string, string, string, number, number]>(
        "INSERT INTO challenges (id, pk, code, device_id, created_at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, 'pending')",
      ),
      get: db.prepare<[string], ChallengeRow>("SELECT * FROM challenges WHERE id = ?"),
      attempt: db.prepare<[string, string]>("UPDATE challenges SET attempts = attempts + 1, state = ? WHERE id = ?"),
      pending: db.prepare<[number], ChallengeRow>("SELECT * FROM challenges WHERE state = 'pending' AND expires_at > ? ORDER BY created_at DESC"),
    };
  }

  login(username: string, password: string, deviceId: string): IgLoginAnswer {
    const { ig } = this;
    ig.limits.takeLogin(username.trim().toLowerCase());
    const account = ig.accounts.byUsername(username);
    if (!account) {
      throw badRequest(ERRORS.invalidUser, "The username you entered doesn't appear to belong to an account. Please check your username and try again.", {
        invalid_credentials: true,
      });
    }
    if (!verifyPassword(password, account.passwordHash)) {
      throw badRequest(ERRORS.badPassword, "The password you entered is incorrect. Please try again.", { invalid_credentials: true });
    }
    const untrusted = !ig.accounts.isTrusted(account.pk, deviceId);
    if (account.checkpoint || (untrusted && ig.settings.random() < ig.settings.checkpointRate)) throw this.challenge(account, deviceId);
    return this.open(account, deviceId);
  }

  private challenge(account: Account, deviceId: string): ProtocolError {
    const id = newToken(12);
    const now = this.ig.now();
    this.s.insert.run(id, account.pk, newNumericCode(6), deviceId, now, now + LIMITS.challengeLifetimeMs);
    const challenge: IgChallenge = {
      challenge_id: id,
      api_path: `${API}/challenge/${id}/`,
      url: `https://i.instagram.com/challenge/${id}/`,
      contact_point: `${account.username[0]}${"*".repeat(7)}@simnet.invalid`,
    };
    return new ProtocolError(400, ERRORS.checkpoint, "checkpoint_required", { challenge, lock: false });
  }

  submitChallenge(challengeId: string, code: string): IgLoginAnswer {
    const { ig } = this;
    const row = this.s.get.get(challengeId);
    if (!row) throw notFound("challenge_not_found", "This challenge does not exist.");
    if (row.state !== "pending" || row.expires_at <= ig.now()) {
      throw badRequest(ERRORS.challengeExpired, "This code has expired or was used up. Log in again to get a new one.");
    }
    if (code.trim() !== row.code) {
      const exhausted = row.attempts + 1 >= LIMITS.challengeMaxAttempts;
      this.s.attempt.run(exhausted ? "failed" : "pending", row.id);
      throw badRequest(ERRORS.invalidCode, "Please check the code we sent you and try again.", {
        attempts_left: LIMITS.challengeMaxAttempts - row.attempts - 1,
      });
    }
    return ig.transaction(() => {
      this.s.attempt.run("passed", row.id);
      ig.accounts.setCheckpoint(row.pk, false);
      return this.open(ig.accounts.require(row.pk), row.device_id);
    });
  }

  /** A new session; it starts at the account's current stream position, nothing older. */
  private open(account: Account, deviceId: string): IgLoginAnswer {
    const { ig } = this;
    ig.accounts.trustDevice(account.pk, deviceId);
    const { session, token } = ig.sessions.create(account.pk, deviceId);
    const stream = accountStream(account.pk);
    const latest = ig.net.streams.latest(stream);
    if (latest > 0) ig.acks.ack(stream, session.id, latest, latest);
    return { logged_in_user: ig.accounts.user(account.pk), session_id: session.id, authorization_token: `${TOKEN_PREFIX}${token}`, status: "ok" };
  }

  pending(pk?: string): IgPendingChallenge[] {
    return this.s.pending
      .all(this.ig.now())
      .filter((row) => pk === undefined || row.pk === pk)
      .map((row) => ({
        challenge_id: row.id,
        pk: row.pk,
        username: this.ig.accounts.user(row.pk).username,
        code: row.code,
        created_at: row.created_at,
        expires_at: row.expires_at,
      }));
  }
}
