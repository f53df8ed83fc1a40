/**
 * Logging a person's account in through the bot, on any network, the way a person would: read
 * each question the bot asks and answer it (the handle, the password, a code the network sent,
 * or approving a pairing code on the phone), until the bot says the login worked.
 */
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { waitForEvent } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS } from "../support/bridge.js";
import type { Person, SimulatedNetwork } from "../../support/people.js";

export async function loginThroughBot(client: MatrixClient, roomId: string, bot: string, network: SimulatedNetwork, person: Person): Promise<void> {
  const seen = new Set(client.getRoom(roomId)?.getLiveTimeline().getEvents().map((e) => e.getId()) ?? []);
  const nextFromBot = () =>
    waitForEvent(client, (e: MatrixEvent) => e.getRoomId() === roomId && e.getSender() === bot && !seen.has(e.getId()), BRIDGE_WAIT_MS, "the bot's next message").then((event) => {
      seen.add(event.getId());
      return String(event.getContent()["body"]);
    });
  await client.sendTextMessage(roomId, `login ${network.id}`);
  for (let turn = 0; turn < 12; turn++) {
    const said = await nextFromBot();
    if (/^Logged in to /.test(said)) return;
    if (/login failed/i.test(said)) throw new Error(`the bot says: ${said}`);
    const pairing = /pairing code: ([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(said);
    if (pairing) {
      if (!person.agent.approveLink) throw new Error(`${network.id} shows a pairing code but its client cannot approve one`);
      await person.agent.approveLink(pairing[1] as string);
      continue;
    }
    const ask = /^Send (.+?)(?: \(the message is deleted|, or cancel)/m.exec(said);
    if (!ask) continue;
    const what = ask[1] as string;
    const answer = /password/i.test(what) ? person.password : /code/i.test(what) ? await network.pendingCode(person.handle) : person.handle;
    if (answer === undefined) throw new Error(`no answer for the bot's question: ${said}`);
    await client.sendTextMessage(roomId, answer);
  }
  throw new Error("the login did not finish within 12 exchanges with the bot");
}
