/**
 * A restart mid-conversation: what people on every system sent while the bridge was down
 * arrives everywhere once it is back, once each and in order.
 */
import { describe, expect, it } from "@jest/globals";
import type { AgentEvent } from "../../../src/simnet/client/agent.js";
import { timeline } from "../support/bridge.js";
import { eventually, fourPeople } from "./support.js";

const texts = (events: AgentEvent[], chat: string, prefix: string) => events.filter((e) => e.chat === chat && e.kind === "message" && e.text?.startsWith(prefix)).map((e) => e.text);

describe("a restart mid-conversation", () => {
  it("delivers what everyone sent while the bridge was down, once each and in order, on every system", async () => {
    const { bridge, alice, ana, carol, bob, roomId } = await fourPeople();
    await alice.client.sendTextMessage(roomId, "before");
    const chats = {
      ana: (await ana.waitFor((e) => e.kind === "message" && e.text === "before", "Ana's copy")).chat as string,
      carol: (await carol.waitFor((e) => e.kind === "message" && e.text === "before", "Carol's copy")).chat as string,
      bob: (await bob.waitFor((e) => e.kind === "message" && e.text === "before", "Bob's copy")).chat as string,
    };
    await bridge.restart(async () => {
      for (let n = 1; n <= 3; n++) {
        await ana.agent.send(chats.ana, `ana ${n}`);
        await carol.agent.send(chats.carol, `carol ${n}`);
        await bob.agent.send(chats.bob, `bob ${n}`);
        await alice.client.sendTextMessage(roomId, `alice ${n}`);
      }
    });
    const everyone = ["ana", "carol", "bob", "alice"];
    const expected = (prefix: string) => [1, 2, 3].map((n) => `${prefix} ${n}`);
    for (const [name, person] of Object.entries({ ana, carol, bob })) {
      const chat = chats[name as keyof typeof chats];
      for (const other of everyone.filter((o) => o !== name)) {
        await eventually(async () => (texts(person.events, chat, other).length >= 3 ? true : undefined), `${other}'s three messages at ${name}`);
      }
    }
    await eventually(async () => {
      const bodies = timeline(alice.client, roomId).map((e) => String(e.getContent()["body"]));
      return ["ana", "carol", "bob"].every((p) => bodies.filter((b) => b.startsWith(`${p} `)).length >= 3) ? true : undefined;
    }, "everyone's messages on Matrix");
    // Anything doubled would show up a little later.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const [name, person] of Object.entries({ ana, carol, bob })) {
      const chat = chats[name as keyof typeof chats];
      for (const other of everyone.filter((o) => o !== name)) expect({ at: name, from: other, texts: texts(person.events, chat, other) }).toEqual({ at: name, from: other, texts: expected(other) });
    }
    const bodies = timeline(alice.client, roomId).map((e) => String(e.getContent()["body"]));
    for (const p of ["ana", "carol", "bob"]) expect(bodies.filter((b) => b.startsWith(`${p} `))).toEqual(expected(p));
  });
});
