/**
 * Logging in as Instagram's app does: username and password, and when Instagram asks for a
 * checkpoint, the 6-digit security code it sent. Wrong credentials ask for them again, a wrong
 * code asks for the code again, an expired challenge starts over, and the login limit ends the
 * flow with the wait. The device id is derived from the bridge's device name and the username,
 * so the bridge logging in again is the same, already verified, device.
 */
import { createHash } from "node:crypto";
import type { InputField, LoginFlow, LoginStep, NewLogin } from "../../network/index.js";
import { SimnetRequestError } from "../../simnet/client/http.js";
import type { InstagramClient } from "../../simnet/instagram/client/client.js";
import { startLogin } from "../../simnet/instagram/client/login.js";
import { ERRORS, LIMITS } from "../../simnet/instagram/protocol.js";
import { toNetworkError } from "./errors.js";
import { newestItemId } from "./ids.js";
import { displayName } from "./incoming.js";
import type { StoredSession } from "./stored-session.js";
import { normaliseUsername } from "./users.js";
import { minutes } from "../common/minutes.js";

const CREDENTIAL_FIELDS: InputField[] = [
  { id: "username", label: "your Instagram username" },
  { id: "password", label: "your Instagram password", secret: true },
];
const CODE_FIELDS: InputField[] = [{ id: "code", label: "the 6-digit security code", secret: true }];

function askCredentials(error?: string): LoginStep {
  return {
    type: "input",
    fields: CREDENTIAL_FIELDS,
    instructions: "Send your Instagram username and password. The bridge logs in as a device of your account, like the app.",
    ...(error !== undefined ? { error } : {}),
  };
}

export function deviceIdFor(deviceName: string, username: string): string {
  return `android-${createHash("sha256").update(`${deviceName}\n${username}`).digest("hex").slice(0, 16)}`;
}

type Submit = (code: string) => Promise<InstagramClient>;

/**
 * Where a resync starts for a new login: the newest item in the inbox ("0" when there is none),
 * since the login's portals are filled from history and its realtime stream starts here.
 */
async function newestInboxItem(client: InstagramClient): Promise<string> {
  const { inbox } = await client.inbox({ limit: LIMITS.inboxPageDefault });
  return newestItemId(inbox.threads.flatMap((thread) => thread.items.map((item) => item.item_id))) ?? "0";
}

export class InstagramLoginFlow implements LoginFlow {
  private challenge: { submit: Submit; contactPoint: string } | undefined;

  constructor(
    private readonly url: string,
    private readonly deviceName: string,
  ) {}

  async start(): Promise<LoginStep> {
    this.challenge = undefined;
    return askCredentials();
  }

  async submit(values: Record<string, string>): Promise<LoginStep> {
    return this.challenge ? this.submitCode(this.challenge, values.code ?? "") : this.submitCredentials(values);
  }

  private askCode(contactPoint: string, error?: string): LoginStep {
    return {
      type: "input",
      fields: CODE_FIELDS,
      instructions: `Instagram wants to confirm it is you: it sent a 6-digit security code to ${contactPoint}. Send that code.`,
      ...(error !== undefined ? { error } : {}),
    };
  }

  private async submitCredentials(values: Record<string, string>): Promise<LoginStep> {
    const username = normaliseUsername(values.username ?? "");
    const password = values.password ?? "";
    if (!username || !password) return askCredentials("Both the username and the password are needed.");
    let step;
    try {
      step = await startLogin(this.url, { username, password, deviceId: deviceIdFor(this.deviceName, username) });
    } catch (error) {
      return this.refused(error);
    }
    if (step.status === "ok") return this.done(step.client);
    this.challenge = { submit: step.submit, contactPoint: step.challenge.contact_point };
    return this.askCode(step.challenge.contact_point);
  }

  private async submitCode(challenge: { submit: Submit; contactPoint: string }, input: string): Promise<LoginStep> {
    const code = input.replace(/\s+/g, "");
    if (!/^\d{6}$/.test(code)) return this.askCode(challenge.contactPoint, "The security code is 6 digits.");
    try {
      const client = await challenge.submit(code);
      this.challenge = undefined;
      return this.done(client);
    } catch (error) {
      if (error instanceof SimnetRequestError && error.code === ERRORS.invalidCode) {
        const left = (error.body as { attempts_left?: unknown } | undefined)?.attempts_left;
        // The last try is gone: Instagram would refuse even the right code now.
        if (left === 0) return this.startOver("That code is not right, and it was the last try. Send your username and password again for a new code.");
        return this.askCode(challenge.contactPoint, `That code is not right${typeof left === "number" ? ` (${left} ${left === 1 ? "try" : "tries"} left)` : ""}. Send the code again.`);
      }
      if (error instanceof SimnetRequestError && (error.code === ERRORS.challengeExpired || error.code === "challenge_not_found")) {
        return this.startOver("The security check expired or had too many wrong codes. Send your username and password again for a new code.");
      }
      return this.refused(error);
    }
  }

  /** A new login (and so a new code) is the only way past a challenge Instagram closed. */
  private startOver(error: string): LoginStep {
    this.challenge = undefined;
    return askCredentials(error);
  }

  private refused(error: unknown): LoginStep {
    if (error instanceof SimnetRequestError) {
      if (error.code === ERRORS.badPassword) return askCredentials("The password is not right. Send your username and password again.");
      if (error.code === ERRORS.invalidUser) return askCredentials("There is no Instagram account with that username. Send your username and password again.");
      if (error.status === 429) {
        const wait = error.retryAfter !== undefined ? ` Try again in ${minutes(error.retryAfter * 1000)}.` : " Try again in a few minutes.";
        return { type: "failed", reason: `Instagram limits how often an account may try to log in, and this one has tried too often.${wait}` };
      }
    }
    throw toNetworkError(error);
  }

  private async done(client: InstagramClient): Promise<LoginStep> {
    let name = client.username;
    let lastItemId: string | undefined;
    try {
      name = displayName(await client.currentUser());
      lastItemId = await newestInboxItem(client);
    } catch {
      // The session is what matters; the name is only for show, and without the newest item a
      // first resync looks at the recent history of the newest threads instead.
    } finally {
      client.http.close();
    }
    const session: StoredSession = { ...client.session, ...(lastItemId !== undefined ? { lastItemId } : {}) };
    const login: NewLogin = { remoteUserId: client.userId, remoteName: name, session: { ...session } };
    return { type: "done", login };
  }

  async wait(): Promise<LoginStep> {
    return { type: "failed", reason: "Instagram's login has nothing to wait for: send the values asked for." };
  }

  async cancel(): Promise<void> {
    this.challenge = undefined;
  }
}
