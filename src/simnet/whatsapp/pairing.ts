/**
 * Linking a companion device (how the bridge logs in): the companion asks for a pairing code
 * for a phone number, presenting its public key and a name; the person types the code on the
 * phone, which sees the device's name and approves (or rejects); the companion, waiting on a
 * long poll with the secret `ref` it was given, then receives its device id and token.
 */
import { randomInt } from "node:crypto";
import { z } from "zod";
import { newToken } from "../core/credentials.js";
import type { Router } from "../core/http.js";
import { parse } from "../core/validate.js";
import { deviceInfo } from "./accounts.js";
import { authenticate, deviceStream, requirePhone, type Wa } from "./context.js";
import { deviceNameSchema, linkDevice, publicKeySchema } from "./devices.js";
import { forbidden, gone, notFound } from "./errors.js";
import { phoneSchema, takeCodeRequest } from "./registration.js";
import { deviceJid, formatPairingCode, LIMITS, normalizePairingCode, PAIRING_ALPHABET, userJid } from "./protocol.js";

interface PairingRow {
  ref: string;
  code: string;
  phone: string;
  public_key: string;
  device_name: string;
  status: "pending" | "approved" | "rejected" | "collected";
  device: number | null;
  token: string | null;
  created_at: number;
  expires_at: number;
}

const codeSchema = z.object({ phone: phoneSchema, public_key: publicKeySchema, device_name: deviceNameSchema });

function newPairingCode(): string {
  return Array.from({ length: 8 }, () => PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)]).join("");
}

export class Pairing {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly insert;
  private readonly byRef;
  private readonly byCode;
  private readonly setStatus;
  private readonly purge;
  readonly pendingFor;

  constructor(private readonly wa: Wa) {
    this.insert = wa.db.prepare<[string, string, string, string, string, number, number]>(
      "INSERT INTO pairing_requests (ref, code, phone, public_key, device_name, status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
    );
    this.byRef = wa.db.prepare<[string], PairingRow>("SELECT * FROM pairing_requests WHERE ref = ?");
    this.byCode = wa.db.prepare<[string], PairingRow>("SELECT * FROM pairing_requests WHERE code = ?");
    this.setStatus = wa.db.prepare<[string, number | null, string | null, string]>("UPDATE pairing_requests SET status = ?, device = ?, token = ? WHERE ref = ?");
    this.purge = wa.db.prepare<[number]>("DELETE FROM pairing_requests WHERE expires_at < ?");
    this.pendingFor = wa.db.prepare<[string, number], PairingRow>(
      "SELECT * FROM pairing_requests WHERE phone = ? AND status = 'pending' AND expires_at >= ? ORDER BY created_at DESC",
    );
  }

  routes(routes: Router): void {
    routes.add("POST", "/v1/pair/code", ({ body }) => {
      const request = parse(codeSchema, body);
      const jid = userJid(request.phone);
      const phone = this.wa.accounts.get(jid);
      if (!phone?.registered) throw notFound("not_registered", `${request.phone} has no phone registered on WhatsApp`);
      takeCodeRequest(this.wa, request.phone);
      const now = this.wa.now();
      this.purge.run(now - 3_600_000);
      const ref = newToken(18);
      const code = newPairingCode();
      const expiresAt = now + LIMITS.pairingCodeTtlMs;
      this.wa.streams.transaction(() => {
        this.insert.run(ref, code, request.phone, request.public_key, request.device_name, now, expiresAt);
        // The phone's notification; the code itself is what the person must carry over.
        for (const device of this.wa.accounts.devices(jid).filter((d) => d.device === 0)) {
          this.wa.streams.append(deviceStream(device.session_id), "notification", {
            kind: "pairing_request",
            device_name: request.device_name,
            expires_at: expiresAt,
            t: now,
          });
        }
      });
      return { body: { ref, code, display: formatPairingCode(code), expires_at: expiresAt } };
    });

    routes.add("GET", "/v1/pair/:ref", async ({ params, query }) => {
      const waitMs = Math.min(Number(query.get("wait_ms") ?? 0) || 0, LIMITS.maxPairingWaitMs);
      let row = this.requireRef(params.ref ?? "");
      if (row.status === "pending" && waitMs > 0) {
        await this.waitFor(row.ref, Math.min(waitMs, row.expires_at - this.wa.now()));
        row = this.requireRef(row.ref);
      }
      return { body: this.collect(row) };
    });

    routes.add("GET", "/v1/pair/requests/:code", ({ token, params }) => {
      const row = this.requestForPhone(token, params.code ?? "");
      return { body: { code: formatPairingCode(row.code), device_name: row.device_name, requested_at: row.created_at, expires_at: row.expires_at } };
    });

    routes.add("POST", "/v1/pair/requests/:code/approve", ({ token, params }) => {
      const row = this.requestForPhone(token, params.code ?? "");
      const user = userJid(row.phone);
      const linked = this.wa.streams.transaction(() => {
        const { row: device, token: deviceToken } = linkDevice(this.wa, user, this.wa.accounts.allocateDevice(user), row.device_name, row.public_key);
        this.setStatus.run("approved", device.device, deviceToken, row.ref);
        return device;
      });
      this.wake(row.ref);
      return { body: { device_jid: deviceInfo(linked).jid, device: linked.device, device_name: linked.name } };
    });

    routes.add("POST", "/v1/pair/requests/:code/reject", ({ token, params }) => {
      const row = this.requestForPhone(token, params.code ?? "");
      this.setStatus.run("rejected", null, null, row.ref);
      this.wake(row.ref);
      return { body: {} };
    });
  }

  /** Ends every long poll, so the server can stop at once. */
  close(): void {
    for (const ref of [...this.waiters.keys()]) this.wake(ref);
  }

  private requireRef(ref: string): PairingRow {
    const row = this.byRef.get(ref);
    if (!row) throw notFound("pairing_not_found", "no such pairing request");
    return row;
  }

  /** The companion's view: pending, or its credentials (handed out once), or why not. */
  private collect(row: PairingRow): Record<string, unknown> {
    if (row.status === "rejected") throw forbidden("pairing_rejected", "the phone rejected this device");
    if (row.status === "collected") throw gone("pairing_already_completed", "this pairing's credentials were already handed out");
    if (row.status === "approved") {
      this.setStatus.run("collected", row.device, null, row.ref);
      const device = row.device ?? 0;
      return { status: "linked", jid: userJid(row.phone), device, device_jid: deviceJid(row.phone, device), token: row.token };
    }
    if (row.expires_at < this.wa.now()) throw gone("pairing_code_expired", "the pairing code expired; request a new one");
    return { status: "pending", expires_at: row.expires_at };
  }

  /** A pending request by its code, for the phone of that number only. */
  private requestForPhone(token: string | undefined, code: string): PairingRow {
    const authed = authenticate(this.wa, token);
    requirePhone(authed);
    const row = this.byCode.get(normalizePairingCode(code));
    if (!row || userJid(row.phone) !== authed.user || row.status !== "pending") {
      throw notFound("pairing_code_not_found", "no pending pairing request with this code for your number");
    }
    if (row.expires_at < this.wa.now()) throw gone("pairing_code_expired", "this pairing code has expired; the device must ask for a new one");
    return row;
  }

  private waitFor(ref: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(ref) ?? new Set();
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(ref);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      set.add(done);
      this.waiters.set(ref, set);
    });
  }

  private wake(ref: string): void {
    for (const done of [...(this.waiters.get(ref) ?? [])]) done();
  }
}
