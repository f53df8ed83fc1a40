/**
 * Which devices to encrypt for, and the public key of each device a stanza comes from. Both are
 * cached; the server answers a send made with a stale list with `device_list_mismatch` and the
 * right list, which replaces the cached one.
 */
import type { DeviceInfo } from "../protocol.js";
import { parseDeviceJid } from "../protocol.js";
import { isProviderDeviceJid } from "../interop-protocol.js";
import type { WhatsappApi } from "./api.js";

export class DeviceDirectory {
  private readonly chats = new Map<string, DeviceInfo[]>();
  private readonly keys = new Map<string, string>();

  constructor(private readonly api: WhatsappApi) {}

  async forChat(chat: string): Promise<DeviceInfo[]> {
    const cached = this.chats.get(chat);
    if (cached) return cached;
    const devices = await this.api.chatDevices(chat);
    this.setChat(chat, devices);
    return devices;
  }

  setChat(chat: string, devices: DeviceInfo[]): void {
    this.chats.set(chat, devices);
    for (const device of devices) this.keys.set(device.jid, device.public_key);
  }

  forgetChat(chat: string): void {
    this.chats.delete(chat);
  }

  forgetChats(): void {
    this.chats.clear();
  }

  /**
   * The public key of a device, fetching its user's device list when not known yet (a
   * third-party provider's one device is asked for by its own JID).
   */
  async keyOf(deviceJid: string): Promise<string | undefined> {
    const known = this.keys.get(deviceJid);
    if (known) return known;
    const owner = isProviderDeviceJid(deviceJid) ? deviceJid : parseDeviceJid(deviceJid)?.user;
    if (!owner) return undefined;
    for (const device of (await this.api.devices([owner]))[owner] ?? []) this.keys.set(device.jid, device.public_key);
    return this.keys.get(deviceJid);
  }
}
