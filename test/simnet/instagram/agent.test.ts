/**
 * The UserAgent face of the Instagram client, as the shell command, benchmark and fuzz test use
 * it: accounts made by the kit, login through a checkpoint prompt, chats, history, every verb,
 * listening with events mapped to the common kinds, save and restore resuming where the saved
 * session was, logout, and fuzz seeds the server accepts.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import type { AgentEvent, UserAgent } from "../../../src/simnet/client/agent.js";
import { InstagramAgent } from "../../../src/simnet/instagram/client/agent.js";
import { instagramKit, usernameFromName } from "../../../src/simnet/instagram/client/kit.js";
import { USERNAME_PATTERN } from "../../../src/simnet/instagram/protocol.js";
import { Harness, testNetwork } from "./harness.js";

const agents: UserAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.close()));
});

async function agentFor(h: Harness, name: string): Promise<{ agent: UserAgent; handle: string }> {
  const account = await instagramKit.createAccount(h.url, h.net.adminToken, { name });
  const agent = await instagramKit.login(h.url, { handle: account.handle, password: account.password! }, async () => {
    return (await instagramKit.pendingCode(h.url, h.net.adminToken, account.handle))!;
  });
  agents.push(agent);
  return { agent, handle: account.handle };
}

/** Listens as `agent`, collecting events; `until` waits for one that matches. */
async function listen(agent: UserAgent) {
  const events: AgentEvent[] = [];
  let wake = () => {};
  const stop = await agent.listen((event) => {
    events.push(event);
    wake();
  });
  const until = (match: (e: AgentEvent) => boolean) =>
    new Promise<AgentEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no matching event")), 5000);
      wake = () => {
        const found = events.find(match);
        if (!found) return;
        clearTimeout(timer);
        resolve(found);
      };
      wake();
    });
  return { events, until, stop };
}

describe("the instagram user agent", () => {
  it("makes valid usernames from names and creates accounts through the kit", async () => {
    const h = await Harness.start();
    for (const name of ["Zoë Example", "...", "Ünïcödé Name With Far Too Many Characters In It", "Bench Sender"]) {
      expect(usernameFromName(name)).toMatch(USERNAME_PATTERN);
    }
    const created = await instagramKit.createAccount(h.url, h.net.adminToken, { name: "Alice Example", handle: "@alice", password: "secret-pw" });
    expect(created).toEqual({ id: expect.stringMatching(/^178414\d+$/), handle: "alice", password: "secret-pw" });
    expect(await instagramKit.pendingCode(h.url, h.net.adminToken, "alice")).toBeUndefined();
    expect(await instagramKit.pendingCode(h.url, h.net.adminToken, "nobody")).toBeUndefined();
  });

  it("logs in through a checkpoint by prompting for the code", async () => {
    const h = await Harness.start(testNetwork({ checkpointRate: 1 }));
    const { agent } = await agentFor(h, "Check Point");
    expect(agent.network).toBe("instagram");
    expect(agent.userId).toMatch(/^\d+$/);
    await agent.close();
  });

  it("chats through every verb and hears the other side's events", async () => {
    const h = await Harness.start();
    const alice = await agentFor(h, "Alice");
    const bob = await agentFor(h, "Bob");
    const heard = await listen(bob.agent);
    const chat = await alice.agent.startDirectChat(`@${bob.handle}`);
    expect(chat).toMatchObject({ kind: "direct", title: bob.handle, members: [bob.agent.userId] });
    const first = await alice.agent.send(chat.id, "hello");
    const reply = await alice.agent.send(chat.id, "reply", { replyTo: first.id });
    expect(reply).toMatchObject({ chat: chat.id, sender: alice.agent.userId, kind: "text", text: "reply", replyTo: first.id });
    await alice.agent.edit(chat.id, first.id, "hello, edited");
    await bob.agent.react(chat.id, first.id, "😍");
    await bob.agent.react(chat.id, first.id, "");
    await bob.agent.markRead(chat.id, reply.id);
    await alice.agent.typing(chat.id, true);
    await alice.agent.delete(chat.id, reply.id);
    await heard.until((e) => e.kind === "delete");
    expect(heard.events.map((e) => e.kind)).toEqual(["chat", "message", "message", "edit", "reaction", "reaction", "receipt", "typing", "delete"]);
    expect(heard.events.find((e) => e.kind === "edit")).toMatchObject({ messageId: first.id, text: "hello, edited" });
    expect(heard.events.filter((e) => e.kind === "reaction").map((e) => e.text)).toEqual(["😍", ""]);
    expect(await alice.agent.history(chat.id)).toEqual([expect.objectContaining({ id: first.id, text: "hello, edited", kind: "text" })]);
    expect(await bob.agent.chats()).toEqual([expect.objectContaining({ id: chat.id, kind: "direct", title: alice.handle })]);
  });

  it("pages history across Instagram's page limit, oldest first", async () => {
    const h = await Harness.start();
    const alice = await agentFor(h, "Alice");
    const bob = await agentFor(h, "Bob");
    const chat = await alice.agent.startDirectChat(bob.handle);
    for (let i = 0; i < 105; i++) await alice.agent.send(chat.id, `m${i}`);
    const history = await bob.agent.history(chat.id, 103);
    expect(history).toHaveLength(103);
    expect(history[0]!.text).toBe("m2");
    expect(history[102]!.text).toBe("m104");
  });

  it("saves a session and restores it later, resuming the stream where it stopped", async () => {
    const h = await Harness.start();
    const alice = await agentFor(h, "Alice");
    const bob = await agentFor(h, "Bob");
    const chat = await alice.agent.startDirectChat(bob.handle);
    const first = await listen(bob.agent);
    await alice.agent.send(chat.id, "heard live");
    await first.until((e) => e.text === "heard live");
    await first.stop();
    const saved = JSON.parse(JSON.stringify(bob.agent.save())) as unknown;
    await bob.agent.close();
    await alice.agent.send(chat.id, "sent while bob was away");
    const restored = await instagramKit.restore(h.url, saved);
    agents.push(restored);
    const later = await listen(restored);
    expect((await later.until((e) => e.kind === "message")).text).toBe("sent while bob was away");
    await expect(instagramKit.restore(h.url, { token: 1 })).rejects.toThrow(/not a saved Instagram session/);
  });

  it("logs out so the saved session no longer restores", async () => {
    const h = await Harness.start();
    const alice = await agentFor(h, "Alice");
    const saved = alice.agent.save();
    await alice.agent.logout();
    await expect(instagramKit.restore(h.url, saved)).rejects.toMatchObject({ code: "login_required" });
  });

  it("offers fuzz seeds that are valid requests and frames of its own protocol", async () => {
    const h = await Harness.start();
    const alice = await agentFor(h, "Alice");
    const bob = await agentFor(h, "Bob");
    const chat = await alice.agent.startDirectChat(bob.handle);
    await bob.agent.send(chat.id, "something to act on");
    const seeds = await instagramKit.fuzzSeeds(alice.agent);
    expect(alice.agent).toBeInstanceOf(InstagramAgent);
    for (const seed of seeds.requests) {
      const response = await fetch(`${h.url}${seed.path}`, {
        method: seed.method,
        headers: { "content-type": "application/json", ...seed.headers },
        ...(seed.body !== undefined ? { body: JSON.stringify(seed.body) } : {}),
      });
      expect([seed.path, response.status < 500]).toEqual([seed.path, true]);
    }
    const statuses = await Promise.all(
      seeds.requests.filter((s) => s.method === "GET").map(async (s) => (await fetch(`${h.url}${s.path}`, { headers: s.headers })).status),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(seeds.openingFrames).toHaveLength(1);
    expect(seeds.frames.map((f) => (f as { type: string }).type)).toEqual(expect.arrayContaining(["ack", "ping", "activity"]));
  });
});
