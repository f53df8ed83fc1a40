/**
 * What the interoperability tests share: a provider registered through the admin API and
 * connected with the kit, a recorder of the events its stream hands over, and users who turned
 * third-party chats on.
 */
import type { InteropCredentials, InteropEvent, InteropParticipant } from "../../../src/simnet/client/interop.js";
import { MessengerInteropProvider, messengerInteropKit } from "../../../src/simnet/messenger/client/interop.js";
import { FAST_RETRY, type MessengerWorld } from "./harness.js";

type EventOf<T extends InteropEvent["type"]> = Extract<InteropEvent, { type: T }>;

/** Records the events a provider's stream hands over; `next` waits for one that matches. */
export class EventRecorder {
  readonly events: InteropEvent[] = [];
  private readonly waiters = new Set<() => void>();
  /** Set by a test to refuse events (the handler rejects) while it returns true. */
  refuse: (event: InteropEvent) => boolean = () => false;

  readonly handler = async (event: InteropEvent): Promise<void> => {
    if (this.refuse(event)) throw new Error(`refusing ${event.type}`);
    this.events.push(event);
    for (const wake of [...this.waiters]) wake();
  };

  ofType<T extends InteropEvent["type"]>(type: T): EventOf<T>[] {
    return this.events.filter((e): e is EventOf<T> => e.type === type);
  }

  next<T extends InteropEvent["type"]>(type: T, match: (event: EventOf<T>) => boolean = () => true, timeoutMs = 5_000): Promise<EventOf<T>> {
    const find = () => this.ofType(type).find(match);
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const wake = () => {
        const event = find();
        if (!event) return;
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out waiting for a ${type} event; have ${JSON.stringify(this.events.map((e) => e.type))}`));
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }
}

export interface TestProvider {
  credentials: InteropCredentials;
  provider: MessengerInteropProvider;
  recorder: EventRecorder;
  /** Stops listening (what was handed over is acknowledged). */
  stop: () => Promise<void>;
}

const providers: MessengerInteropProvider[] = [];

/** Closes every provider connection the tests opened (call in afterEach before the world closes). */
export async function closeProviders(): Promise<void> {
  await Promise.all(providers.splice(0).map((p) => p.close()));
}

/** A provider connected with `credentials` (registered now when not given), listening. */
export async function connectProvider(world: MessengerWorld, credentials?: InteropCredentials, recorder = new EventRecorder()): Promise<TestProvider> {
  const creds = credentials ?? (await messengerInteropKit.registerProvider(world.url, world.net.adminToken, "crosschat"));
  const provider = new MessengerInteropProvider(world.url, creds, FAST_RETRY);
  providers.push(provider);
  const stop = await provider.listen(recorder.handler);
  return { credentials: creds, provider, recorder, stop };
}

/** A user who is online and turned third-party chats on. */
export async function optedIn(world: MessengerWorld, name: string) {
  const user = await world.online(name);
  await user.client.api.setThirdPartyChats(true);
  return user;
}

export const native = (id: string): InteropParticipant => ({ kind: "native", id });
export const thirdParty = (id: string): InteropParticipant => ({ kind: "third_party", id });

/** Publishes people from other networks: Bob on Instagram, Wendy on WhatsApp, Mo on Matrix. */
export async function publishPeople(provider: MessengerInteropProvider): Promise<void> {
  await provider.publishIdentity({ id: "ig:bob", name: "Bob Insta", network: "instagram", handle: "bob.insta" });
  await provider.publishIdentity({ id: "wa:wendy", name: "Wendy", network: "whatsapp", handle: "wendy.wa" });
  await provider.publishIdentity({ id: "mx:mo", name: "Mo Matrix", network: "matrix", handle: "@mo:example.org" });
}

/** A provider with its people published, and Alice, opted in and online. */
export async function providerAndAlice(world: MessengerWorld) {
  const connected = await connectProvider(world);
  await publishPeople(connected.provider);
  const alice = await optedIn(world, "Alice");
  return { ...connected, alice, aliceId: alice.user.account.id, providerId: connected.credentials.providerId };
}

/**
 * Alice in a direct chat with Bob from Instagram, opened by the provider (whose `chat` event has
 * arrived); `bob` is how Alice sees him.
 */
export async function chatWithBob(world: MessengerWorld) {
  const scene = await providerAndAlice(world);
  const chat = await scene.provider.createChat({ kind: "direct", creator: "ig:bob", members: [native(scene.aliceId)] });
  await scene.recorder.next("chat");
  const [bob] = await scene.alice.client.api.searchThirdParty("bob.insta");
  return { ...scene, chat: chat.id, bobId: bob!.contact_id, bob: bob! };
}
