/**
 * Third-party chats as a person does them in the app (the common InteropUserSide): the setting,
 * searching the contacts providers published, and starting a chat with them. Instagram has no
 * phone numbers, so `discoverableByPhone` means nothing here.
 */
import type { InteropUserSide, ThirdPartyIdentity } from "../../client/interop.js";
import type { InstagramApi } from "./api.js";

export class InstagramInteropUser implements InteropUserSide {
  constructor(
    private readonly client: InstagramApi,
    /** A user's pk from their username (or pk), as the agent resolves handles. */
    private readonly pkOf: (handle: string) => Promise<string>,
  ) {}

  async setThirdPartyChats(enabled: boolean, _options?: { discoverableByPhone?: boolean }): Promise<void> {
    await this.client.setThirdPartyChats(enabled);
  }

  async searchThirdParty(query: string): Promise<(ThirdPartyIdentity & { provider: string })[]> {
    return (await this.client.searchThirdParty(query)).flatMap((user) =>
      user.third_party ? [{ id: user.third_party.id, name: user.full_name, network: user.third_party.network, handle: user.username, provider: user.third_party.provider_id }] : [],
    );
  }

  async startThirdPartyChat(spec: { kind: "direct" | "group"; title?: string; thirdParty: { provider: string; id: string }[]; native?: string[] }): Promise<{ id: string }> {
    const thread = await this.client.createThirdPartyThread({
      kind: spec.kind,
      ...(spec.title !== undefined ? { title: spec.title } : {}),
      thirdParty: spec.thirdParty.map((c) => ({ providerId: c.provider, id: c.id })),
      userIds: await Promise.all((spec.native ?? []).map((handle) => this.pkOf(handle))),
    });
    return { id: thread.thread_id };
  }
}
