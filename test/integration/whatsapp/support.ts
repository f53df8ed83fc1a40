/**
 * A WhatsApp bridging scene: the simulated WhatsApp server, the real daemon against the test
 * Synapse, and people: Alice on Matrix who links her WhatsApp phone through the bot's pairing
 * code, and contacts (phones) she chats with.
 */
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import type { WhatsappClient } from "../../../src/simnet/whatsapp/client/client.js";
import { phoneOf } from "../../../src/simnet/whatsapp/protocol.js";
import type { TestUser } from "../../support/matrix-user.js";
import { waitForEvent } from "../../support/matrix-user.js";
import { record, registerPhone, startWhatsapp, type Recorder, type WaTest } from "../../simnet/whatsapp/support.js";
import { BRIDGE_WAIT_MS, command, matrixUser, openManagementRoom, startBridge, waitForPortal, type RunningBridge } from "../support/bridge.js";
import type { DeepPartial, ConfigInput } from "../../support/test-config.js";

export interface Contact {
  phone: WhatsappClient;
  messages: Recorder<"message">;
  edits: Recorder<"edit">;
  reactions: Recorder<"reaction">;
  revokes: Recorder<"revoke">;
  receipts: Recorder<"receipt">;
}

export interface WhatsappScene {
  wa: WaTest;
  bridge: RunningBridge;
  alice: TestUser;
  /** Alice's phone: the WhatsApp account the bridge links to. */
  alicePhone: WhatsappClient;
  managementRoom: string;
  bot: string;
}

/** Registers a contact's phone and keeps it connected, recording what it receives. */
export async function contact(wa: WaTest, name: string): Promise<Contact> {
  const phone = await registerPhone(wa, name);
  const recorders = {
    messages: record(phone, "message"),
    edits: record(phone, "edit"),
    reactions: record(phone, "reaction"),
    revokes: record(phone, "revoke"),
    receipts: record(phone, "receipt"),
  };
  await phone.connect();
  return { phone, ...recorders };
}

/** Logs Alice's phone in through the bot: the pairing code the bot shows is approved on the phone. */
export async function linkThroughBot(client: MatrixClient, roomId: string, bot: string, phone: WhatsappClient): Promise<void> {
  const notice = await command(client, roomId, bot, `login whatsapp +${phoneOf(phone.jid)}`, /pairing code/);
  const code = /pairing code: ([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(String(notice.getContent()["body"]))?.[1];
  if (!code) throw new Error(`no pairing code in: ${String(notice.getContent()["body"])}`);
  const since = Date.now();
  await phone.approvePairing(code);
  await waitForEvent(
    client,
    (e) => e.getRoomId() === roomId && e.getSender() === bot && /Logged in to WhatsApp/.test(String(e.getContent()["body"])) && e.getTs() >= since - 1000,
    BRIDGE_WAIT_MS,
    "the bot saying the login worked",
  );
}

export async function whatsappScene(overrides: DeepPartial<ConfigInput> = {}): Promise<WhatsappScene> {
  // A clock the test can move (see `wa.clock`); it follows real time until a test changes it.
  const wa = await startWhatsapp({ fakeClock: true });
  Object.defineProperty(wa.clock, "now", { get: () => Date.now(), configurable: true });
  const bridge = await startBridge({ ...overrides, networks: { ...overrides.networks, whatsapp: { ...overrides.networks?.whatsapp, url: wa.net.url } } });
  const alice = await matrixUser("alice");
  const alicePhone = await registerPhone(wa, "Alice");
  const bot = bridge.app.botUserId;
  const managementRoom = await openManagementRoom(alice.client, bot);
  await linkThroughBot(alice.client, managementRoom, bot, alicePhone);
  return { wa, bridge, alice, alicePhone, managementRoom, bot };
}

/** The portal room of a direct chat with `contact`, once the bridge created it and Alice joined. */
export function directPortal(scene: WhatsappScene, name: string): Promise<string> {
  return waitForPortal(scene.alice.client, "whatsapp", new RegExp(`^${name} \\(WhatsApp\\)$`));
}

/** The next m.room.message in `roomId` from `sender` whose body matches. */
export function messageIn(client: MatrixClient, roomId: string, body: RegExp, sender?: string): Promise<MatrixEvent> {
  return waitForEvent(
    client,
    (e) => e.getRoomId() === roomId && e.getType() === "m.room.message" && (!sender || e.getSender() === sender) && body.test(String(e.getContent()["body"])),
    BRIDGE_WAIT_MS,
    `a message matching ${body}`,
  );
}

export function ghostOf(scene: WhatsappScene, phone: WhatsappClient): string {
  return `@whatsapp_${phoneOf(phone.jid)}:${scene.bridge.config.homeserver.domain}`;
}

/** Alice's direct chat with Bob, started by Bob's `firstText`: the portal exists and has it. */
export async function directChat(firstText = "hi"): Promise<{ scene: WhatsappScene; bob: Contact; roomId: string; first: MatrixEvent }> {
  const scene = await whatsappScene();
  const bob = await contact(scene.wa, "Bob");
  await bob.phone.sendText(scene.alicePhone.jid, firstText);
  const roomId = await directPortal(scene, "Bob");
  const first = await messageIn(scene.alice.client, roomId, new RegExp(`^${firstText.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
  return { scene, bob, roomId, first };
}
