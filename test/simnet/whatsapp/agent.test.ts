import { afterEach, describe, expect, it } from "@jest/globals";
import type { AgentEvent, UserAgent } from "../../../src/simnet/client/agent.js";
import { createAndLogin } from "../../../src/simnet/client/accounts.js";
import { whatsappKit } from "../../../src/simnet/whatsapp/client/kit.js";
import { startWhatsapp } from "./support.js";

const agents: UserAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.close()));
});

async function login(url: string, token: string, name: string) {
  const account = await createAndLogin(whatsappKit, url, token, name);
  agents.push(account.agent);
  return account;
}

function collect(events: AgentEvent[], count: number, kind: AgentEvent["kind"]): Promise<AgentEvent[]> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const matching = events.filter((e) => e.kind === kind);
      if (matching.length >= count) resolve(matching);
      else if (Date.now() - started > 5000) reject(new Error(`only ${matching.length} ${kind} events`));
      else return;
      clearInterval(timer);
    }, 10);
  });
}

describe("whatsapp user agent and kit", () => {
  it("creates an account, logs in with the SMS code, chats and listens through the common agent", async () => {
    const wa = await startWhatsapp();
    const alice = await login(wa.net.url, wa.net.adminToken, "Alice");
    const bob = await login(wa.net.url, wa.net.adminToken, "Bob");
    expect(alice.handle).toMatch(/^\+1555\d{7}$/);
    expect(alice.agent.userId).toBe(`${alice.handle.slice(1)}@s.whatsapp.net`);
    const events: AgentEvent[] = [];
    const stop = await bob.agent.listen((event) => events.push(event));
    const chat = await alice.agent.startDirectChat(bob.handle);
    expect(chat).toEqual({ id: bob.agent.userId, kind: "direct", title: "Bob", members: [bob.agent.userId] });
    const first = await alice.agent.send(chat.id, "hello *bob*");
    const reply = await bob.agent.send(alice.agent.userId, "hi!", { replyTo: first.id });
    await alice.agent.edit(chat.id, first.id, "hello *Bob*");
    await alice.agent.react(chat.id, reply.id, "👍");
    await alice.agent.markRead(chat.id, reply.id);
    await alice.agent.typing(chat.id, true);
    const [message] = await collect(events, 1, "message");
    expect(message).toMatchObject({ chat: alice.agent.userId, messageId: first.id, sender: alice.agent.userId, text: "hello *bob*" });
    expect((await collect(events, 1, "edit"))[0]).toMatchObject({ messageId: first.id, text: "hello *Bob*" });
    expect((await collect(events, 1, "reaction"))[0]).toMatchObject({ messageId: reply.id, text: "👍" });
    // Alice reads Bob's reply; her phone is not listening, so no delivered receipt comes from it.
    expect((await collect(events, 1, "receipt")).map((r) => [r.text, r.messageId])).toEqual([["read", reply.id]]);
    expect((await collect(events, 1, "typing"))[0]).toMatchObject({ text: "composing" });
    await alice.agent.delete(chat.id, first.id);
    expect((await collect(events, 1, "delete"))[0]).toMatchObject({ messageId: first.id });
    const history = await bob.agent.history(alice.agent.userId);
    expect(history.map((m) => [m.kind, m.text, m.replyTo])).toEqual([
      ["revoked", undefined, undefined],
      ["text", "hi!", first.id],
    ]);
    expect((await alice.agent.chats()).map((c) => c.id)).toEqual([bob.agent.userId]);
    await stop();
  });

  it("saves and restores a session, and logs out for good", async () => {
    const wa = await startWhatsapp();
    const alice = await login(wa.net.url, wa.net.adminToken, "Alice");
    const restored = await whatsappKit.restore(wa.net.url, JSON.parse(JSON.stringify(alice.agent.save())));
    agents.push(restored);
    expect(restored.userId).toBe(alice.agent.userId);
    await restored.logout();
    await expect(whatsappKit.restore(wa.net.url, alice.agent.save())).rejects.toMatchObject({ code: "unauthorized" });
    await expect(whatsappKit.restore(wa.net.url, { not: "a session" })).rejects.toThrow(/not a saved WhatsApp session/);
  });

  it("gives the fuzz test valid requests and frames", async () => {
    const wa = await startWhatsapp();
    const alice = await login(wa.net.url, wa.net.adminToken, "Alice");
    const seeds = await whatsappKit.fuzzSeeds(alice.agent);
    for (const request of seeds.requests) {
      const response = await fetch(`${wa.net.url}${request.path}`, {
        method: request.method,
        headers: { "content-type": "application/json", ...request.headers },
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      });
      expect({ path: request.path, status: response.status }).toEqual({ path: request.path, status: 200 });
    }
    expect(seeds.openingFrames).toEqual([{ type: "hello", token: expect.any(String) }]);
    expect(seeds.frames.map((f) => (f as { type: string }).type)).toContain("message");
  });
});
