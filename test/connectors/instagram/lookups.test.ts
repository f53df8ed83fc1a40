import { describe, expect, it } from "@jest/globals";
import type { RemoteEvent } from "../../../src/network/index.js";
import { aliceWithBridge } from "./support.js";

const textOf = (event: RemoteEvent) => (event.type === "message" && event.body.kind === "text" ? event.body.text.text : undefined);

describe("instagram connector lookups", () => {
  it("resolves a username with or without @ to the pk, full name and @username, and opens the direct chat", async () => {
    const { h, session, alice } = await aliceWithBridge();
    const carol = await h.account("carol", { fullName: "Carol King" });
    const user = await session.resolveUser("@Carol");
    expect(user).toMatchObject({ id: carol.pk, name: "Carol King", identifier: "@carol" });
    expect(await session.resolveUser("nobody")).toBeUndefined();
    const chat = session.directChatWith(carol.pk);
    expect(chat).toMatch(/^\d{39}$/);
    expect((await alice.thread(chat)).users.map((u) => u.pk)).toEqual([carol.pk]);
  });

  it("lists every chat across inbox pages with members and admin roles", async () => {
    const { h, alice, session } = await aliceWithBridge();
    for (let i = 0; i < 55; i++) await h.account(`friend${i}`);
    for (let i = 0; i < 55; i++) await alice.directThread({ username: `friend${i}` });
    const group = await alice.createGroup({ usernames: ["bob", "friend0"] }, { title: "Tea" });
    const chats = await session.listChats();
    expect(chats).toHaveLength(57);
    const info = chats.find((c) => c.id === group.thread_id);
    expect(info).toMatchObject({ kind: "group", name: "Tea" });
    expect(info?.members).toContainEqual({ id: alice.userId, role: "admin" });
    expect(await session.getChat(group.thread_id)).toMatchObject({ name: "Tea", members: expect.arrayContaining([{ id: alice.userId, role: "admin" }]) });
  });

  it("pages history oldest first with edits applied and unsent and action-log items skipped", async () => {
    const { alice, bob, thread_id, session } = await aliceWithBridge();
    for (let i = 0; i < 120; i++) await bob.sendText(thread_id, `m${i}`);
    const edited = await alice.sendText(thread_id, "draft");
    await alice.edit(thread_id, edited.item_id, "final");
    const gone = await alice.sendText(thread_id, "oops");
    await alice.unsend(thread_id, gone.item_id);
    const history = await session.history(thread_id, 110);
    expect(history).toHaveLength(110);
    expect(history.map(textOf).slice(-2)).toEqual(["m119", "final"]);
    expect(textOf(history[0]!)).toBe("m11");
  });
});
