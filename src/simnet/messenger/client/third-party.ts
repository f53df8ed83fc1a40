/**
 * The user side of third-party chats (the common `InteropUserSide`) over the Messenger client:
 * the setting, searching the people providers published, and starting chats with them.
 */
import type { InteropUserSide, ThirdPartyIdentity } from "../../client/interop.js";
import type { MessengerApi } from "./api.js";

export class MessengerThirdPartyChats implements InteropUserSide {
  constructor(
    private readonly api: MessengerApi,
    /** A Messenger user's account id from what a person types: an id or an email address. */
    private readonly accountOf: (handle: string) => Promise<string>,
  ) {}

  /** Messenger finds people by email or id only, so there is no phone discovery to set. */
  async setThirdPartyChats(enabled: boolean): Promise<void> {
    await this.api.setThirdPartyChats(enabled);
  }

  async searchThirdParty(query: string): Promise<(ThirdPartyIdentity & { provider: string })[]> {
    return (await this.api.searchThirdParty(query)).map((c) => ({ id: c.identity_id, name: c.name, network: c.network, handle: c.handle, provider: c.provider_id }));
  }

  async startThirdPartyChat(spec: Parameters<InteropUserSide["startThirdPartyChat"]>[0]): Promise<{ id: string }> {
    const participantIds = await Promise.all((spec.native ?? []).map((handle) => this.accountOf(handle)));
    const thread = await this.api.startThirdPartyChat({
      kind: spec.kind,
      thirdParty: spec.thirdParty.map((t) => ({ providerId: t.provider, identityId: t.id })),
      participantIds,
      ...(spec.title ? { name: spec.title } : {}),
    });
    return { id: thread.id };
  }
}
