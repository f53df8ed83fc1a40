/**
 * Third-party chats as a person uses them in the app (the facade's `UserAgent.interop`): the
 * opt-in setting and discovery by phone number, searching the people providers published, and
 * starting chats with them. Other WhatsApp users in a group are named by phone number.
 */
import type { InteropUserSide, ThirdPartyIdentity } from "../../client/interop.js";
import type { WhatsappApi } from "./api.js";

export class WhatsappInteropUser implements InteropUserSide {
  constructor(
    private readonly api: WhatsappApi,
    /** A WhatsApp user's JID from their phone number. */
    private readonly jidOf: (handle: string) => Promise<string>,
  ) {}

  async setThirdPartyChats(enabled: boolean, options: { discoverableByPhone?: boolean } = {}): Promise<void> {
    const discovery = options.discoverableByPhone !== undefined ? { discoverable_by_phone: options.discoverableByPhone } : {};
    await this.api.setSettings({ third_party_chats: enabled, ...discovery });
  }

  async searchThirdParty(query: string): Promise<(ThirdPartyIdentity & { provider: string })[]> {
    return (await this.api.searchThirdParty(query)).map(({ id, name, network, handle, provider }) => ({ id, name, network, handle, provider }));
  }

  async startThirdPartyChat(spec: { kind: "direct" | "group"; title?: string; thirdParty: { provider: string; id: string }[]; native?: string[] }): Promise<{ id: string }> {
    const participants = await Promise.all((spec.native ?? []).map((handle) => this.jidOf(handle)));
    const chat = await this.api.startThirdPartyChat({ kind: spec.kind, ...(spec.title !== undefined ? { subject: spec.title } : {}), third_party: spec.thirdParty, participants });
    return { id: chat.jid };
  }
}
