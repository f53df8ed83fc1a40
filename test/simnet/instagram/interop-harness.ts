/**
 * What the Instagram interoperability tests share, on top of the Instagram harness: a provider
 * registered through the admin API and connected with the kit, recording (and acknowledging)
 * every event it receives; users who turned third-party chats on; and the participants of the
 * common face. Providers are closed after each test.
 */
import { afterEach } from "@jest/globals";
import type { InteropCredentials, InteropEvent, InteropParticipant } from "../../../src/simnet/client/interop.js";
import type { InstagramClient } from "../../../src/simnet/instagram/client/client.js";
import { instagramInteropKit, type InstagramInteropProvider } from "../../../src/simnet/instagram/client/interop.js";
import type { Harness } from "./harness.js";

export const native = (id: string): InteropParticipant => ({ kind: "native", id });
export const identity = (id: string): InteropParticipant => ({ kind: "third_party", id });

export type EventOf<T extends InteropEvent["type"]> = Extract<InteropEvent, { type: T }>;

/** A connected provider and what it received, oldest first. */
export class ProviderSession {
  readonly events: InteropEvent[] = [];
  private stopListening: (() => Promise<void>) | undefined;

  constructor(
    readonly api: InstagramInteropProvider,
    readonly credentials: InteropCredentials,
  ) {}

  /** Listens; `refuse` makes the handler reject an event (it then comes again). */
  async listen(refuse: (event: InteropEvent) => boolean = () => false): Promise<void> {
    this.stopListening = await this.api.listen(async (event) => {
      if (refuse(event)) throw new Error("not handled now");
      this.events.push(event);
    });
  }

  async stop(): Promise<void> {
    await this.stopListening?.();
    this.stopListening = undefined;
  }

  of<T extends InteropEvent["type"]>(type: T): EventOf<T>[] {
    return this.events.filter((e): e is EventOf<T> => e.type === type);
  }

  /** The first event of `type` matching `match`, already received or still to come. */
  async until<T extends InteropEvent["type"]>(type: T, match: (event: EventOf<T>) => boolean = () => true, timeoutMs = 5000): Promise<EventOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(type).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching ${type} event within ${timeoutMs} ms; received ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

const sessions: ProviderSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.api.close()));
});

/** A provider registered on `h`'s network and connected, not yet listening. */
export async function connectProvider(h: Harness, name = "crosschat"): Promise<ProviderSession> {
  const credentials = await instagramInteropKit.registerProvider(h.url, h.net.adminToken, name);
  return reconnect(h, credentials);
}

/** The same provider connected again (a restart of the provider). */
export async function reconnect(h: Harness, credentials: InteropCredentials): Promise<ProviderSession> {
  const session = new ProviderSession((await instagramInteropKit.connect(h.url, credentials)) as InstagramInteropProvider, credentials);
  sessions.push(session);
  return session;
}

/** A provider, connected and listening. */
export async function listeningProvider(h: Harness, name?: string): Promise<ProviderSession> {
  const session = await connectProvider(h, name);
  await session.listen();
  return session;
}

/** A new account, logged in, with third-party chats turned on. */
export async function optedIn(h: Harness, username: string): Promise<InstagramClient> {
  const client = await h.user(username);
  await client.setThirdPartyChats(true);
  return client;
}

/**
 * The usual scene: Alice opted in, a listening provider, its identity Ivy (from Messenger), and
 * the direct chat the provider opened between them.
 */
export async function directScene(h: Harness) {
  const p = await listeningProvider(h);
  const alice = await optedIn(h, "alice");
  await p.api.publishIdentity({ id: "ms.ivy", name: "Ivy Example", network: "messenger", handle: "ivy.example" });
  const chat = await p.api.createChat({ kind: "direct", creator: "ms.ivy", members: [native(alice.userId)] });
  return { p, alice, chat };
}
