/**
 * Login flows as a conversation in the management room: the bot asks for what the flow needs,
 * one value per message (a phone number; an email, then a password), shows what it shows (a
 * pairing code) and reports how it ended. A message carrying a secret (a password, a code) is
 * redacted as soon as it is read. A waiting step runs in the background, so the bot keeps
 * answering other commands meanwhile.
 */
import type { BridgeCore } from "../../core/bridge.js";
import { NETWORK_NAMES } from "../../core/portals.js";
import type { Logger } from "../../logging/logger.js";
import type { InputField, LoginFlow, LoginStep, NetworkId } from "../../network/index.js";
import { escapeHtml } from "../html.js";
import type { Conversation } from "./bot.js";
import type { Reply } from "./commands.js";

interface Pending {
  network: NetworkId;
  flow: LoginFlow;
  /** The fields an `input` step waits for; empty while waiting on the network. */
  fields: InputField[];
  /** Values given so far for the current step, in field order. */
  values: string[];
  abort: AbortController;
  reply(reply: Reply): Promise<void>;
}

/** Takes a secret out of the room once read. */
export type Redact = (roomId: string, eventId: string) => Promise<void>;

export class LoginConversations implements Conversation {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly core: BridgeCore,
    private readonly redact: Redact,
    private readonly logger: Logger,
  ) {}

  isActive(userId: string): boolean {
    return this.pending.has(userId);
  }

  async begin(userId: string, network: NetworkId, args: string[], reply: (r: Reply) => Promise<void>): Promise<void> {
    const flow = this.core.loginFlow(network);
    if (!flow) {
      await reply({ text: `${NETWORK_NAMES[network]} is not enabled on this bridge.` });
      return;
    }
    await this.cancel(userId);
    const entry: Pending = { network, flow, fields: [], values: [], abort: new AbortController(), reply };
    this.pending.set(userId, entry);
    const step = await flow.start();
    // Values given on the command line answer the first question right away (never secrets:
    // those are asked for in their own message, which is then redacted).
    if (step.type === "input") {
      const given = args.slice(0, step.fields.length).filter((_, i) => !step.fields[i]?.secret);
      entry.values = given;
      if (given.length === step.fields.length) {
        await this.submit(userId, entry, step.fields, given);
        return;
      }
    }
    await this.advance(userId, entry, step);
  }

  async take(sender: string, roomId: string, text: string, eventId: string, reply: (r: Reply) => Promise<void>): Promise<boolean> {
    const entry = this.pending.get(sender);
    if (!entry || entry.fields.length === 0) return false;
    const trimmed = text.trim();
    // Commands still work mid-login: `cancel`, or `login` to start over, are not answers.
    if (/^(cancel|help|ping|list-logins|version|(login|logout)(\s.*)?)$/i.test(trimmed)) return false;
    entry.reply = reply;
    const field = entry.fields[entry.values.length];
    if (field?.secret) {
      await this.redact(roomId, eventId).catch((error: unknown) => this.logger.warn("Could not redact a secret from the management room", { room: roomId, error }));
    }
    entry.values.push(trimmed);
    const fields = entry.fields;
    if (entry.values.length < fields.length) {
      await this.ask(entry, fields[entry.values.length] as InputField);
      return true;
    }
    await this.submit(sender, entry, fields, entry.values);
    return true;
  }

  private async submit(userId: string, entry: Pending, fields: InputField[], values: string[]): Promise<void> {
    entry.fields = [];
    entry.values = [];
    try {
      const step = await entry.flow.submit(Object.fromEntries(fields.map((field, i) => [field.id, values[i] ?? ""])));
      await this.advance(userId, entry, step);
    } catch (error) {
      await this.fail(userId, entry, error);
    }
  }

  private async ask(entry: Pending, field: InputField): Promise<void> {
    const secret = field.secret ? " (the message is deleted from this room once read)" : "";
    await entry.reply({ text: `Send ${field.label}${secret}, or cancel to stop.` });
  }

  /** Stops the user's login in progress; false if there was none. */
  async cancel(userId: string): Promise<boolean> {
    const entry = this.pending.get(userId);
    if (!entry) return false;
    this.pending.delete(userId);
    entry.abort.abort();
    await entry.flow.cancel().catch(() => undefined);
    return true;
  }

  private async advance(userId: string, entry: Pending, step: LoginStep): Promise<void> {
    if (this.pending.get(userId) !== entry) return;
    const name = NETWORK_NAMES[entry.network];
    switch (step.type) {
      case "input": {
        entry.fields = step.fields;
        entry.values = entry.values.slice(0, step.fields.length);
        const error = step.error ? `${step.error}\n` : "";
        await entry.reply({
          text: `${error}${step.instructions}`,
          html: `${step.error ? `<p>${escapeHtml(step.error)}</p>` : ""}<p>${escapeHtml(step.instructions)}</p>`,
        });
        await this.ask(entry, step.fields[entry.values.length] as InputField);
        return;
      }
      case "display": {
        const until = new Date(step.expiresAt).toISOString().slice(11, 16);
        await entry.reply({
          text: `Your ${name} pairing code: ${step.code}\n${step.instructions}\nThe code works until ${until} UTC. Send cancel to stop.`,
          html: `<p>Your ${escapeHtml(name)} pairing code: <strong><code>${escapeHtml(step.code)}</code></strong></p><p>${escapeHtml(step.instructions)}</p><p>The code works until ${until} UTC. Send <code>cancel</code> to stop.</p>`,
        });
        entry.flow.wait(entry.abort.signal).then(
          (next) => this.advance(userId, entry, next),
          (error: unknown) => (entry.abort.signal.aborted ? undefined : this.fail(userId, entry, error)),
        ).catch((error: unknown) => this.logger.error("A login step failed", { user: userId, error }));
        return;
      }
      case "done": {
        this.pending.delete(userId);
        const login = await this.core.logins.add(userId, entry.network, step.login).catch(async (error: unknown) => {
          await this.fail(userId, entry, error);
          return undefined;
        });
        if (!login) return;
        await entry.reply({ text: `Logged in to ${name} as ${step.login.remoteName}. Your chats are being brought in as rooms now; new ones appear as messages arrive.` });
        return;
      }
      case "failed":
        this.pending.delete(userId);
        await entry.reply({ text: `${name} login failed: ${step.reason}` });
    }
  }

  private async fail(userId: string, entry: Pending, error: unknown): Promise<void> {
    if (this.pending.get(userId) === entry) this.pending.delete(userId);
    this.logger.warn("A login failed", { user: userId, network: entry.network, error });
    await entry.reply({ text: `${NETWORK_NAMES[entry.network]} login failed: ${(error as Error).message}` });
  }
}
