/**
 * Linking the bridge as a companion device with a pairing code, as WhatsApp's "Link with phone
 * number" does: the person gives their number, the bridge shows an 8-character code, the person
 * types it on the phone, and the phone approves. The flow answers a person's mistakes (a number
 * that is not one, a number without WhatsApp) by asking again, and the network's refusals
 * (rejected on the phone, expired, too many devices, too many codes) with `failed` and why.
 */
import type { LoginFlow, LoginStep } from "../../network/index.js";
import { SimnetRequestError } from "../../simnet/client/http.js";
import { WhatsappApi } from "../../simnet/whatsapp/client/api.js";
import { requestPairingCode, type PendingPairing, type WhatsappSession } from "../../simnet/whatsapp/client/login.js";
import { LIMITS, normalizePhone } from "../../simnet/whatsapp/protocol.js";
import { toNetworkError } from "./errors.js";
import { displayPhone } from "./ids.js";
import { minutes } from "../common/minutes.js";

const PHONE_FIELD = { id: "phone", label: "your phone number in international format, e.g. +1 555 123 4567" };

function askForPhone(error?: string): LoginStep {
  return {
    type: "input",
    fields: [PHONE_FIELD],
    instructions: "Send the phone number of your WhatsApp account, with its country code. The bridge is linked to it as a companion device, like WhatsApp Web.",
    ...(error !== undefined ? { error } : {}),
  };
}

/** A refusal of the number itself: the person can type another. */
function numberProblem(error: SimnetRequestError, phone: string): string | undefined {
  if (error.code === "not_registered") return `+${phone} has no WhatsApp account (or its phone is not registered). Check the number and send it again.`;
  if (error.status === 400) return `WhatsApp did not accept +${phone} as a phone number (${error.message}). Send it again in international format.`;
  return undefined;
}

/** Why the network ended the flow, for the person; undefined for errors that are not theirs. */
export function failureReason(error: unknown): string | undefined {
  if (!(error instanceof SimnetRequestError)) return undefined;
  switch (error.code) {
    case "pairing_rejected":
      return "The link request was rejected on the phone. Start again to get a new code.";
    case "pairing_code_expired":
      return `The code expired before it was entered on the phone (codes last ${minutes(LIMITS.pairingCodeTtlMs)}). Start again to get a new one.`;
    case "too_many_devices":
      return `The account already has ${LIMITS.maxCompanions} linked devices, the most WhatsApp allows. Unlink one on the phone (Linked devices), then start again.`;
    case "pairing_already_completed":
      return "This link request was already completed. Start again to link the bridge anew.";
  }
  if (error.status === 429) {
    const wait = error.retryAfter !== undefined ? ` Try again in ${minutes(error.retryAfter * 1000)}.` : " Try again later.";
    return `WhatsApp limits how many codes a number may request, and this one has asked for too many.${wait}`;
  }
  return undefined;
}

export class WhatsappLoginFlow implements LoginFlow {
  private pending: PendingPairing | undefined;
  private readonly cancelled = new AbortController();

  constructor(
    private readonly url: string,
    private readonly deviceName: string,
  ) {}

  async start(): Promise<LoginStep> {
    return askForPhone();
  }

  async submit(values: Record<string, string>): Promise<LoginStep> {
    const input = values.phone ?? "";
    const phone = normalizePhone(input);
    if (phone === undefined) return askForPhone(`'${input}' is not a phone number in international format (a + and the country code, then the number).`);
    try {
      this.pending = await requestPairingCode(this.url, phone, this.deviceName);
    } catch (error) {
      const problem = error instanceof SimnetRequestError ? numberProblem(error, phone) : undefined;
      if (problem !== undefined) return askForPhone(problem);
      const reason = failureReason(error);
      if (reason !== undefined) return { type: "failed", reason };
      throw toNetworkError(error);
    }
    const expiresAt = this.pending.expiresAt;
    return {
      type: "display",
      code: this.pending.display,
      expiresAt,
      instructions:
        `On the phone with +${phone}, open WhatsApp > Settings > Linked devices > Link a device > Link with phone number instead, ` +
        `and type the code ${this.pending.display}. It expires at ${new Date(expiresAt).toISOString()}.`,
    };
  }

  async wait(signal?: AbortSignal): Promise<LoginStep> {
    const pending = this.pending;
    if (!pending) return { type: "failed", reason: "No code was requested yet: send your phone number first." };
    const aborted = signal ? AbortSignal.any([signal, this.cancelled.signal]) : this.cancelled.signal;
    let session: WhatsappSession;
    try {
      session = await untilAborted(pending.wait({ signal: aborted }), aborted);
    } catch (error) {
      if (aborted.aborted) return { type: "failed", reason: "The login was cancelled." };
      const reason = failureReason(error);
      if (reason !== undefined) return { type: "failed", reason };
      throw toNetworkError(error);
    }
    return { type: "done", login: { remoteUserId: session.jid, remoteName: await this.pushName(session), session: { ...session } } };
  }

  /** The account's name; the credentials are handed out only once, so a failure here must not lose them. */
  private async pushName(session: WhatsappSession): Promise<string> {
    const api = new WhatsappApi(this.url, session.token);
    try {
      return (await api.me()).account.push_name;
    } catch {
      return displayPhone(session.jid);
    } finally {
      api.http.close();
    }
  }

  async cancel(): Promise<void> {
    this.cancelled.abort();
  }
}

/** The library checks the signal only between long polls; a cancelled wait should end now. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  // The abandoned poll still settles later; its outcome no longer matters.
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
