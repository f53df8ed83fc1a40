/**
 * The provider side of third-party chats: each provider has one durable, acknowledged stream
 * (`interop:<provider id>`) carrying what happens in its chats, and its open sockets receive
 * typing live. The hub is the `ThirdPartyRoute` the delta path uses (deltas.ts): it knows which
 * threads are third-party chats and which participants are contacts.
 */
import type { EventStreams } from "../../core/event-stream.js";
import type { LiveConnections } from "../../core/live-connections.js";
import type { DeltaBody, ThirdPartyRoute } from "../deltas.js";
import type { InteropDelta, ProviderFrame, WireInteropChat, WireInteropParticipant, WireThirdParty } from "../protocol.js";
import type { Messages } from "../store/messages.js";
import type { Threads } from "../store/threads.js";
import type { ChatRegistry } from "./chat-registry.js";
import { toInteropDelta, type Naming } from "./events.js";
import { toWireThirdParty, type Identities } from "./identities.js";
import type { Providers } from "./providers.js";

export const providerStream = (provider: string) => `interop:${provider}`;
/** The key a provider's sockets are held under among the live connections. */
export const providerConnection = (provider: string) => `provider:${provider}`;

export interface HubStores {
  streams: EventStreams;
  live: LiveConnections;
  threads: Threads;
  messages: Messages;
  providers: Providers;
  identities: Identities;
  registry: ChatRegistry;
}

export class InteropHub implements ThirdPartyRoute {
  private readonly naming: Naming;

  constructor(private readonly stores: HubStores) {
    this.naming = {
      participant: (id) => this.participant(id),
      latestUpTo: (chat, timestamp, reader) => stores.messages.latestUpTo(chat, timestamp, reader),
    };
  }

  providerOf(threadKey: string): string | undefined {
    return this.stores.registry.provider(threadKey);
  }

  contact(id: string): WireThirdParty | undefined {
    const identity = this.stores.identities.contact(id);
    if (!identity) return undefined;
    return toWireThirdParty({ ...identity, provider_name: this.stores.providers.get(identity.provider)?.name ?? "" });
  }

  /** A Messenger user by account id, a contact by its provider's id for it. */
  participant(id: string): WireInteropParticipant {
    const identity = this.stores.identities.contact(id);
    return identity ? { kind: "third_party", id: identity.identity } : { kind: "native", id };
  }

  forward(provider: string, threadKey: string, actor: string, delta: DeltaBody): void {
    const event = toInteropDelta(delta, threadKey, actor, this.naming);
    if (event) this.append(provider, event);
  }

  /** Appends to the provider's stream; a revoked provider hears nothing more. */
  append(provider: string, event: InteropDelta): void {
    if (this.stores.providers.get(provider)?.revoked_at !== null) return;
    this.stores.streams.append(providerStream(provider), event.type, event);
  }

  /** Tells the chat's provider, live, that a Messenger user is typing. */
  typing(threadKey: string, user: string, typing: boolean): void {
    const provider = this.providerOf(threadKey);
    if (provider === undefined) return;
    const frame: ProviderFrame = { type: "typing", thread_id: threadKey, user_id: user, typing };
    this.stores.live.send(providerConnection(provider), frame);
  }

  /** A third-party chat as its provider sees it. */
  chatView(threadKey: string): WireInteropChat {
    const thread = this.stores.threads.get(threadKey)!;
    return {
      id: thread.key,
      kind: thread.kind,
      title: thread.name,
      members: this.stores.threads.participants(thread.key).map((p) => ({
        participant: p.identity !== null ? { kind: "third_party", id: p.identity } : { kind: "native", id: p.account },
        name: p.name,
        is_admin: p.is_admin === 1,
      })),
      creator: this.participant(thread.created_by),
      created_at: thread.created_at,
    };
  }
}
