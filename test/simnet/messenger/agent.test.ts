/** The Messenger kit and agent: the common UserAgent face the shell, benchmark and fuzz test use. */
import { describe, expect, it } from "@jest/globals";
import type { AgentEvent } from "../../../src/simnet/client/agent.js";
import { messengerKit } from "../../../src/simnet/messenger/client/index.js";
import { useMessenger } from "./harness.js";

const start = useMessenger();

function collect() {
  const events: AgentEvent[] = [];
  const until = async (match: (event: AgentEvent) => boolean, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!events.some(match)) {
      if (Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(events.map((e) => e.kind))}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return events.find(match)!;
  };
  return { events, on: (event: AgentEvent) => events.push(event), until };
}

describe("messenger kit and agent", () => {
  it("creates accounts, logs in, chats by email and sees every action as agent events", async () => {
    const world = await start();
    const aliceAccount = await messengerKit.createAccount(world.url, world.net.adminToken, { name: "Alice Example" });
    const bobAccount = await messengerKit.createAccount(world.url, world.net.adminToken, { name: "Bob", handle: "bob@example.com", password: "hunter2" });
    expect(aliceAccount.handle).toMatch(/^alice\.example\.[0-9a-f]{6}@example\.com$/);
    expect(bobAccount).toEqual({ id: expect.stringMatching(/^\d{15}$/), handle: "bob@example.com", password: "hunter2" });
    const noPrompt = async () => {
      throw new Error("no code expected");
    };
    const alice = await messengerKit.login(world.url, { handle: aliceAccount.handle, password: aliceAccount.password! }, noPrompt);
    const bob = await messengerKit.login(world.url, { handle: "bob@example.com", password: "hunter2" }, noPrompt);
    const seen = collect();
    const stop = await bob.listen(seen.on);
    try {
      const chat = await alice.startDirectChat("bob@example.com");
      expect(chat).toEqual({ id: bob.userId, kind: "direct", title: "Bob", members: [bob.userId] });
      const sent = await alice.send(chat.id, "hello Bob");
      expect(await seen.until((e) => e.kind === "message")).toMatchObject({ chat: alice.userId, sender: alice.userId, messageId: sent.id, text: "hello Bob" });
      const reply = await bob.send(alice.userId, "hi!", { replyTo: sent.id });
      await alice.edit(chat.id, sent.id, "hello, Bob");
      await alice.react(chat.id, reply.id, "👍");
      await alice.react(chat.id, reply.id, "");
      await alice.typing(chat.id, true);
      await alice.markRead(chat.id, reply.id);
      await alice.delete(chat.id, sent.id);
      await seen.until((e) => e.kind === "delete");
      expect(seen.events.map((e) => e.kind)).toEqual(["message", "message", "edit", "reaction", "reaction", "typing", "receipt", "delete"]);
      expect(seen.events.filter((e) => e.kind === "reaction").map((e) => e.text)).toEqual(["👍", ""]);
      const history = await bob.history(alice.userId);
      expect(history.map((m) => [m.kind, m.text, m.replyTo])).toEqual([
        ["unsent", undefined, undefined],
        ["text", "hi!", sent.id],
      ]);
      expect((await bob.chats()).map((c) => c.title)).toEqual(["Alice Example"]);
    } finally {
      await stop();
      await alice.close();
    }
  });

  it("saves and restores a session, resuming the stream where it stopped, and logs out", async () => {
    const world = await start();
    const a = await messengerKit.createAccount(world.url, world.net.adminToken, { name: "A" });
    const b = await messengerKit.createAccount(world.url, world.net.adminToken, { name: "B" });
    const prompt = async () => "";
    const sender = await messengerKit.login(world.url, { handle: a.handle, password: a.password! }, prompt);
    const receiver = await messengerKit.login(world.url, { handle: b.handle, password: b.password! }, prompt);
    const first = collect();
    const stopFirst = await receiver.listen(first.on);
    await sender.send(b.id, "one");
    await first.until((e) => e.kind === "message");
    await stopFirst();
    const saved = JSON.parse(JSON.stringify(receiver.save())) as unknown;
    await sender.send(b.id, "two");
    const restored = await messengerKit.restore(world.url, saved);
    const second = collect();
    const stopSecond = await restored.listen(second.on);
    expect((await second.until((e) => e.kind === "message")).text).toBe("two");
    await stopSecond();
    await restored.logout();
    await expect(restored.chats()).rejects.toMatchObject({ code: "unauthorized" });
    await expect(messengerKit.restore(world.url, { token: "x" })).rejects.toThrow(/not a saved Messenger session/);
    await sender.close();
  });

  it("offers fuzz seeds that are valid requests and frames of the protocol", async () => {
    const world = await start();
    const a = await messengerKit.createAccount(world.url, world.net.adminToken, { name: "A" });
    const b = await messengerKit.createAccount(world.url, world.net.adminToken, { name: "B" });
    const agent = await messengerKit.login(world.url, { handle: a.handle, password: a.password! }, async () => "");
    try {
      await agent.startDirectChat(b.id);
      const seeds = await messengerKit.fuzzSeeds(agent);
      expect(seeds.realtimeUrl).toBe(`${world.url}/chat`);
      const statuses: number[] = [];
      for (const request of seeds.requests) {
        const response = await fetch(`${world.url}${request.path}`, {
          method: request.method,
          headers: { "content-type": "application/json", ...request.headers },
          ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        });
        statuses.push(response.status);
      }
      // The two login seeds name no real account; every other seed is accepted as it is.
      expect(statuses.slice(2).every((s) => s >= 200 && s < 300)).toBe(true);
      expect(statuses.slice(0, 2)).toEqual([401, 401]);
    } finally {
      await agent.close();
    }
  });
});
