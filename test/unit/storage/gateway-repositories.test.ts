import path from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import { MIGRATIONS, openDatabase, type Storage } from "../../../src/storage/index.js";
import { makeTempDir, removeDir, silentLogger } from "./helpers.js";

const open: Storage[] = [];
const dirs: string[] = [];
afterEach(() => {
  open.splice(0).forEach((s) => s.close());
  dirs.splice(0).forEach(removeDir);
});

function storage(): Storage {
  const s = openDatabase(":memory:", { logger: silentLogger() });
  open.push(s);
  return s;
}

const count = (s: Storage, table: string): number => s.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

/** A group conversation with a chat on WhatsApp and one on Messenger. */
function conversation(s: Storage, roomId = "!group:example.org") {
  s.gatewayRooms.addRoom(roomId, "group", "Friends", 1000);
  const whatsapp = s.gatewayRooms.addChat(roomId, "whatsapp", `wa-${roomId}`, "matrix:@bridge:example.org");
  const messenger = s.gatewayRooms.addChat(roomId, "messenger", `ms-${roomId}`);
  return { roomId, whatsapp, messenger };
}

const person = (participant: string, handle: string, name = "Ana") => ({ participant, thirdPartyId: `tp-${participant}`, name, handle });

const event = (n: number) => ({ event_id: `$e${n}`, type: "m.room.message", content: { body: `m${n}` } });

describe("GatewayRoomRepository", () => {
  it("records a room once, with its kind and title, and reports whether it was new", () => {
    const rooms = storage().gatewayRooms;
    expect(rooms.addRoom("!r", "direct", undefined, 1)).toBe(true);
    expect(rooms.addRoom("!r", "group", "Other", 2)).toBe(false);
    expect(rooms.room("!r")).toEqual({ roomId: "!r", kind: "direct", title: undefined });
    rooms.setTitle("!r", "Us");
    expect(rooms.room("!r")?.title).toBe("Us");
    expect(rooms.room("!unknown")).toBeUndefined();
  });

  it("returns the chat it records, with its creator or none, and finds it by network chat, by room and network, and by id", () => {
    const s = storage();
    const { roomId, whatsapp, messenger } = conversation(s);
    expect(whatsapp).toEqual({ id: expect.any(Number), roomId, network: "whatsapp", chatId: `wa-${roomId}`, creator: "matrix:@bridge:example.org" });
    expect(messenger.creator).toBeUndefined();
    expect(s.gatewayRooms.chatOf("whatsapp", `wa-${roomId}`)).toEqual(whatsapp);
    expect(s.gatewayRooms.chatIn(roomId, "messenger")).toEqual(messenger);
    expect(s.gatewayRooms.chatById(whatsapp.id)).toEqual(whatsapp);
    expect(s.gatewayRooms.chatsIn(roomId)).toEqual([whatsapp, messenger]);
  });

  it("finds nothing for an unknown chat, room or id", () => {
    const s = storage();
    const { roomId, whatsapp } = conversation(s);
    expect(s.gatewayRooms.chatOf("whatsapp", "nope")).toBeUndefined();
    expect(s.gatewayRooms.chatOf("instagram", `wa-${roomId}`)).toBeUndefined();
    expect(s.gatewayRooms.chatIn(roomId, "instagram")).toBeUndefined();
    expect(s.gatewayRooms.chatById(whatsapp.id + 100)).toBeUndefined();
    expect(s.gatewayRooms.chatsIn("!unknown")).toEqual([]);
  });

  it("returns the same chat when it is recorded again, keeping the first creator", () => {
    const s = storage();
    const { roomId, whatsapp } = conversation(s);
    expect(s.gatewayRooms.addChat(roomId, "whatsapp", `wa-${roomId}`, "matrix:@other:example.org")).toEqual(whatsapp);
    expect(s.gatewayRooms.chatsIn(roomId)).toHaveLength(2);
  });

  it("refuses a network chat that belongs to another conversation, leaving it there", () => {
    const s = storage();
    const first = conversation(s, "!first");
    s.gatewayRooms.addRoom("!second", "group");
    expect(() => s.gatewayRooms.addChat("!second", "whatsapp", "wa-!first")).toThrow(/whatsapp chat wa-!first already belongs to another conversation/);
    expect(s.gatewayRooms.chatOf("whatsapp", "wa-!first")).toEqual(first.whatsapp);
    expect(s.gatewayRooms.chatsIn("!second")).toEqual([]);
  });

  it("keeps one chat per network in a conversation: a second one on the same network is refused", () => {
    const s = storage();
    const { roomId, whatsapp } = conversation(s);
    expect(() => s.gatewayRooms.addChat(roomId, "whatsapp", "another")).toThrow();
    expect(s.gatewayRooms.chatIn(roomId, "whatsapp")).toEqual(whatsapp);
    expect(s.gatewayRooms.chatOf("whatsapp", "another")).toBeUndefined();
  });

  it("lets the same chat id stand on two networks", () => {
    const s = storage();
    s.gatewayRooms.addRoom("!r", "group");
    const wa = s.gatewayRooms.addChat("!r", "whatsapp", "same");
    const ig = s.gatewayRooms.addChat("!r", "instagram", "same");
    expect(wa.id).not.toBe(ig.id);
    expect(s.gatewayRooms.chatOf("instagram", "same")).toEqual(ig);
  });

  it("adds and removes members, saying whether anything changed, and lists them in the order they joined", () => {
    const rooms = storage().gatewayRooms;
    rooms.addRoom("!r", "group");
    expect(rooms.addMember("!r", "whatsapp:b")).toBe(true);
    expect(rooms.addMember("!r", "matrix:@a:x")).toBe(true);
    expect(rooms.addMember("!r", "whatsapp:b")).toBe(false);
    expect(rooms.addMember("!r", "messenger:c")).toBe(true);
    expect(rooms.members("!r")).toEqual(["whatsapp:b", "matrix:@a:x", "messenger:c"]);
    expect(rooms.removeMember("!r", "whatsapp:b")).toBe(true);
    expect(rooms.removeMember("!r", "whatsapp:b")).toBe(false);
    expect(rooms.removeMember("!r", "instagram:never")).toBe(false);
    expect(rooms.addMember("!r", "whatsapp:b")).toBe(true);
    expect(rooms.members("!r")).toEqual(["matrix:@a:x", "messenger:c", "whatsapp:b"]);
    expect(rooms.members("!unknown")).toEqual([]);
  });

  it("lists the rooms someone is in, in the order they joined them", () => {
    const rooms = storage().gatewayRooms;
    for (const room of ["!one", "!two", "!three"]) rooms.addRoom(room, "group");
    rooms.addMember("!two", "whatsapp:b");
    rooms.addMember("!one", "whatsapp:b");
    rooms.addMember("!three", "messenger:c");
    expect(rooms.roomsOf("whatsapp:b")).toEqual(["!two", "!one"]);
    expect(rooms.roomsOf("instagram:nobody")).toEqual([]);
  });

  it("finds the direct conversation between two people, either way round, and no group they share", () => {
    const rooms = storage().gatewayRooms;
    const a = "whatsapp:a";
    const b = "matrix:@b:x";
    rooms.addRoom("!group", "group");
    rooms.addMember("!group", a);
    rooms.addMember("!group", b);
    expect(rooms.directBetween(a, b)).toBeUndefined();

    rooms.addRoom("!direct-with-c", "direct");
    rooms.addMember("!direct-with-c", a);
    rooms.addMember("!direct-with-c", "messenger:c");
    expect(rooms.directBetween(a, b)).toBeUndefined();

    rooms.addRoom("!direct", "direct");
    rooms.addMember("!direct", a);
    rooms.addMember("!direct", b);
    expect(rooms.directBetween(a, b)).toBe("!direct");
    expect(rooms.directBetween(b, a)).toBe("!direct");
    expect(rooms.directBetween(a, "instagram:d")).toBeUndefined();

    rooms.removeMember("!direct", b);
    expect(rooms.directBetween(a, b)).toBeUndefined();
  });

  it("forgets a removed room with its chats, members, messages, reactions and queued events, and nothing of another room", () => {
    const s = storage();
    const gone = conversation(s, "!gone");
    const kept = conversation(s, "!kept");
    for (const { roomId, whatsapp, messenger } of [gone, kept]) {
      s.gatewayRooms.addMember(roomId, "whatsapp:a");
      s.gatewayMessages.link(roomId, `$m-${roomId}`, "whatsapp", "w1");
      s.gatewayMessages.addReaction({ eventId: `$r-${roomId}`, roomId, targetEvent: `$m-${roomId}`, participant: "whatsapp:a", emoji: "👍" });
      s.gatewayOutbox.add(whatsapp.id, "$e1", event(1));
      s.gatewayOutbox.add(messenger.id, "$e1", event(1));
    }

    s.gatewayRooms.removeRoom("!gone");

    expect(s.gatewayRooms.room("!gone")).toBeUndefined();
    expect(s.gatewayRooms.chatsIn("!gone")).toEqual([]);
    expect(s.gatewayRooms.chatById(gone.whatsapp.id)).toBeUndefined();
    expect(s.gatewayRooms.members("!gone")).toEqual([]);
    expect(s.gatewayRooms.roomsOf("whatsapp:a")).toEqual(["!kept"]);
    expect(s.gatewayMessages.messageOn("$m-!gone", "whatsapp")).toBeUndefined();
    expect(s.gatewayMessages.reaction("$r-!gone")).toBeUndefined();
    expect(s.gatewayOutbox.lanesWithPending()).toEqual([kept.whatsapp.id, kept.messenger.id]);

    expect(s.gatewayRooms.chatsIn("!kept")).toEqual([kept.whatsapp, kept.messenger]);
    expect(s.gatewayMessages.messageOn("$m-!kept", "whatsapp")).toBe("w1");
    expect(s.gatewayMessages.reaction("$r-!kept")).toBeDefined();
    expect(count(s, "gateway_rooms")).toBe(1);
  });

  it("runs work in one transaction: a throw undoes all of it", () => {
    const rooms = storage().gatewayRooms;
    expect(() =>
      rooms.transaction(() => {
        rooms.addRoom("!r", "group");
        rooms.addMember("!r", "whatsapp:a");
        throw new Error("midway");
      }),
    ).toThrow("midway");
    expect(rooms.room("!r")).toBeUndefined();
    expect(rooms.transaction(() => rooms.addRoom("!r", "group"))).toBe(true);
  });
});

describe("GatewayPeopleRepository", () => {
  it("records someone and finds them by participant key and by third-party id", () => {
    const people = storage().gatewayPeople;
    const ana = person("whatsapp:ana", "ana.whatsapp");
    expect(people.upsert(ana)).toEqual(ana);
    expect(people.get("whatsapp:ana")).toEqual(ana);
    expect(people.byThirdPartyId("tp-whatsapp:ana")).toEqual(ana);
    expect(people.get("whatsapp:nobody")).toBeUndefined();
    expect(people.byThirdPartyId("whatsapp:ana")).toBeUndefined();
  });

  it("renames someone but keeps the handle and third-party id they were first published under", () => {
    const people = storage().gatewayPeople;
    people.upsert(person("whatsapp:ana", "ana.whatsapp", "Ana"));
    const renamed = people.upsert({ participant: "whatsapp:ana", thirdPartyId: "tp-new", name: "Ana Lima", handle: "ana-lima.whatsapp" });
    expect(renamed).toEqual({ participant: "whatsapp:ana", thirdPartyId: "tp-whatsapp:ana", name: "Ana Lima", handle: "ana.whatsapp" });
    expect(people.byThirdPartyId("tp-new")).toBeUndefined();
    expect(people.all()).toEqual([renamed]);
  });

  it("numbers a taken handle -2, -3, ..., comparing handles without regard to case", () => {
    const people = storage().gatewayPeople;
    expect(people.upsert(person("whatsapp:1", "ana.whatsapp")).handle).toBe("ana.whatsapp");
    expect(people.upsert(person("whatsapp:2", "ana.whatsapp")).handle).toBe("ana.whatsapp-2");
    expect(people.upsert(person("whatsapp:3", "Ana.WhatsApp")).handle).toBe("Ana.WhatsApp-3");
    expect(people.upsert(person("whatsapp:4", "ANA.WHATSAPP-2")).handle).toBe("ANA.WHATSAPP-2-2");
  });

  it("goes on past -9 and keeps a numbered handle within 64 characters", () => {
    const people = storage().gatewayPeople;
    const long = `${"a".repeat(55)}.whatsapp`; // 64
    const handles = Array.from({ length: 11 }, (_, n) => people.upsert(person(`whatsapp:${n}`, long)).handle);
    expect(handles[0]).toBe(long);
    expect(handles[1]).toBe(`${long.slice(0, 62)}-2`);
    expect(handles[9]).toBe(`${long.slice(0, 61)}-10`);
    expect(handles[10]).toBe(`${long.slice(0, 61)}-11`);
    expect(new Set(handles.map((h) => h.toLowerCase())).size).toBe(11);
    for (const handle of handles) expect(handle.length).toBeLessThanOrEqual(64);
  });

  it("keeps a renamed person's first handle taken and leaves the handle of their new name free", () => {
    const people = storage().gatewayPeople;
    people.upsert(person("whatsapp:ana", "ana.whatsapp"));
    people.upsert(person("whatsapp:ana", "ana-lima.whatsapp", "Ana Lima"));
    expect(people.upsert(person("messenger:x", "ana-lima.whatsapp")).handle).toBe("ana-lima.whatsapp");
    expect(people.upsert(person("messenger:y", "ana.whatsapp")).handle).toBe("ana.whatsapp-2");
  });

  it("records where someone is published, once per network, listed by network", () => {
    const people = storage().gatewayPeople;
    people.upsert(person("matrix:@a:x", "a:x"));
    expect(people.isPublished("matrix:@a:x", "whatsapp")).toBe(false);
    people.markPublished("matrix:@a:x", "whatsapp");
    people.markPublished("matrix:@a:x", "instagram");
    people.markPublished("matrix:@a:x", "whatsapp");
    expect(people.isPublished("matrix:@a:x", "whatsapp")).toBe(true);
    expect(people.isPublished("matrix:@a:x", "messenger")).toBe(false);
    expect(people.publishedOn("matrix:@a:x")).toEqual(["instagram", "whatsapp"]);
    expect(people.publishedOn("matrix:@nobody:x")).toEqual([]);
  });

  it("forgets a removed person with where they were published, and frees their handle and third-party id", () => {
    const s = storage();
    const people = s.gatewayPeople;
    people.upsert(person("matrix:@a:x", "a:x"));
    people.upsert(person("whatsapp:b", "b.whatsapp"));
    people.markPublished("matrix:@a:x", "whatsapp");
    people.markPublished("whatsapp:b", "messenger");

    people.remove("matrix:@a:x");
    people.remove("matrix:@never:x");

    expect(people.get("matrix:@a:x")).toBeUndefined();
    expect(people.publishedOn("matrix:@a:x")).toEqual([]);
    expect(count(s, "gateway_published")).toBe(1);
    expect(people.all().map((p) => p.participant)).toEqual(["whatsapp:b"]);
    expect(people.upsert(person("matrix:@a:x", "a:x")).handle).toBe("a:x");
    expect(people.isPublished("matrix:@a:x", "whatsapp")).toBe(false);
  });

  it("refuses to publish someone it does not know", () => {
    expect(() => storage().gatewayPeople.markPublished("whatsapp:nobody", "messenger")).toThrow(/FOREIGN KEY/);
  });

  it("lists everyone in the order they were first recorded", () => {
    const people = storage().gatewayPeople;
    expect(people.all()).toEqual([]);
    people.upsert(person("whatsapp:b", "b.whatsapp"));
    people.upsert(person("matrix:@a:x", "a:x"));
    people.upsert(person("whatsapp:b", "b.whatsapp", "Bea"));
    expect(people.all().map((p) => [p.participant, p.name])).toEqual([
      ["whatsapp:b", "Bea"],
      ["matrix:@a:x", "Ana"],
    ]);
  });

  it("saves a network's provider credentials, overwrites them, and reads them back", () => {
    const people = storage().gatewayPeople;
    expect(people.credentials("whatsapp")).toBeUndefined();
    people.saveCredentials("whatsapp", { provider: "p1", secret: "s1", nested: { n: 1 } });
    people.saveCredentials("messenger", { provider: "m1" });
    people.saveCredentials("whatsapp", { provider: "p2" });
    expect(people.credentials("whatsapp")).toEqual({ provider: "p2" });
    expect(people.credentials("messenger")).toEqual({ provider: "m1" });
    expect(people.credentials("instagram")).toBeUndefined();
  });
});

describe("GatewayMessageRepository", () => {
  it("links an event to its copy on a network once, keeping the first copy", () => {
    const s = storage();
    const { roomId } = conversation(s);
    const messages = s.gatewayMessages;
    expect(messages.link(roomId, "$e", "whatsapp", "w1")).toBe(true);
    expect(messages.link(roomId, "$e", "whatsapp", "w1")).toBe(false);
    expect(messages.link(roomId, "$e", "whatsapp", "w2")).toBe(false);
    expect(messages.link(roomId, "$other", "whatsapp", "w1")).toBe(false);
    expect(messages.link(roomId, "$e", "messenger", "m1")).toBe(true);
    expect(messages.messageOn("$e", "whatsapp")).toBe("w1");
    expect(messages.messageOn("$e", "messenger")).toBe("m1");
    expect(messages.messageOn("$e", "instagram")).toBeUndefined();
    expect(messages.messageOn("$other", "whatsapp")).toBeUndefined();
  });

  it("finds the event a network's message is, only in its own conversation", () => {
    const s = storage();
    const one = conversation(s, "!one");
    const two = conversation(s, "!two");
    s.gatewayMessages.link(one.roomId, "$a", "whatsapp", "same-id");
    s.gatewayMessages.link(two.roomId, "$b", "whatsapp", "same-id");
    expect(s.gatewayMessages.eventFor("!one", "whatsapp", "same-id")).toBe("$a");
    expect(s.gatewayMessages.eventFor("!two", "whatsapp", "same-id")).toBe("$b");
    expect(s.gatewayMessages.eventFor("!one", "messenger", "same-id")).toBeUndefined();
    expect(s.gatewayMessages.eventFor("!one", "whatsapp", "unknown")).toBeUndefined();
  });

  it("records a reaction once and lists a person's reactions to a message oldest first, redacted ones included", () => {
    const s = storage();
    const { roomId } = conversation(s);
    const messages = s.gatewayMessages;
    const reaction = (eventId: string, participant: string, emoji: string, targetEvent = "$msg") => ({ eventId, roomId, targetEvent, participant, emoji });
    messages.addReaction(reaction("$r2", "whatsapp:a", "❤️"));
    messages.addReaction(reaction("$r1", "whatsapp:a", "👍"));
    messages.addReaction(reaction("$r1", "whatsapp:a", "😂"));
    messages.addReaction(reaction("$r3", "messenger:b", "👍"));
    messages.addReaction(reaction("$r4", "whatsapp:a", "👍", "$other"));

    expect(messages.reaction("$r1")).toEqual({ ...reaction("$r1", "whatsapp:a", "👍"), redacted: false });
    expect(messages.reaction("$unknown")).toBeUndefined();

    messages.markRedacted("$r2");
    messages.markRedacted("$unknown");
    expect(messages.reaction("$r2")?.redacted).toBe(true);
    expect(messages.reactionsBy("$msg", "whatsapp:a").map((r) => [r.eventId, r.emoji, r.redacted])).toEqual([
      ["$r2", "❤️", true],
      ["$r1", "👍", false],
    ]);
    expect(messages.reactionsBy("$msg", "messenger:b").map((r) => r.eventId)).toEqual(["$r3"]);
    expect(messages.reactionsBy("$msg", "instagram:c")).toEqual([]);
  });
});

describe("OutboxRepository on the gateway outbox", () => {
  it("queues an event per lane once, hands out each lane's oldest first, and forgets what is done", () => {
    const s = storage();
    const { whatsapp, messenger } = conversation(s);
    const outbox = s.gatewayOutbox;
    expect(outbox.add(whatsapp.id, "$e1", event(1), 10)).toBe(true);
    expect(outbox.add(whatsapp.id, "$e2", event(2), 20)).toBe(true);
    expect(outbox.add(whatsapp.id, "$e1", event(1), 30)).toBe(false);
    expect(outbox.add(messenger.id, "$e1", event(1), 40)).toBe(true);
    expect(outbox.size()).toBe(3);

    const head = outbox.head(whatsapp.id)!;
    expect(head).toEqual({ id: expect.any(Number), lane: whatsapp.id, eventId: "$e1", event: event(1), attempts: 0, queuedAt: 10, announced: false });
    outbox.done(head.id);
    expect(outbox.head(whatsapp.id)?.eventId).toBe("$e2");
    expect(outbox.head(messenger.id)?.eventId).toBe("$e1");
    expect(outbox.size()).toBe(2);
    expect(outbox.head(whatsapp.id + messenger.id + 100)).toBeUndefined();
  });

  it("counts failed attempts on an entry and marks a whole lane announced", () => {
    const s = storage();
    const { whatsapp, messenger } = conversation(s);
    const outbox = s.gatewayOutbox;
    outbox.add(whatsapp.id, "$e1", event(1));
    outbox.add(whatsapp.id, "$e2", event(2));
    outbox.add(messenger.id, "$e1", event(1));
    const first = outbox.head(whatsapp.id)!;
    outbox.recordAttempt(first.id);
    outbox.recordAttempt(first.id);
    outbox.recordAnnounced(whatsapp.id);
    expect(outbox.head(whatsapp.id)).toMatchObject({ attempts: 2, announced: true });
    outbox.done(first.id);
    expect(outbox.head(whatsapp.id)).toMatchObject({ eventId: "$e2", attempts: 0, announced: true });
    expect(outbox.head(messenger.id)).toMatchObject({ attempts: 0, announced: false });
  });

  it("lists the lanes with something waiting, in lane order", () => {
    const s = storage();
    const { whatsapp, messenger } = conversation(s);
    const outbox = s.gatewayOutbox;
    expect(outbox.lanesWithPending()).toEqual([]);
    outbox.add(messenger.id, "$e1", event(1));
    outbox.add(whatsapp.id, "$e2", event(2));
    outbox.add(whatsapp.id, "$e3", event(3));
    expect(outbox.lanesWithPending()).toEqual([whatsapp.id, messenger.id]);
    outbox.done(outbox.head(messenger.id)!.id);
    expect(outbox.lanesWithPending()).toEqual([whatsapp.id]);
  });

  it("refuses a lane that is no gateway chat", () => {
    expect(() => storage().gatewayOutbox.add(999, "$e1", event(1))).toThrow(/FOREIGN KEY/);
  });

  it("keeps the gateway and portal outboxes apart, even for lanes with the same number", () => {
    const s = storage();
    const { whatsapp } = conversation(s);
    const portal = s.portals.ensure({ network: "whatsapp", chatId: "p1", receiver: "alice" }, "direct");
    expect(portal.id).toBe(whatsapp.id);
    const lane = portal.id;

    s.gatewayOutbox.add(lane, "$gateway", event(1));
    expect(s.outbox.size()).toBe(0);
    expect(s.outbox.head(lane)).toBeUndefined();
    expect(s.outbox.lanesWithPending()).toEqual([]);

    s.outbox.add(lane, "$portal", event(2));
    s.outbox.add(lane, "$gateway", event(1));
    expect(s.gatewayOutbox.size()).toBe(1);
    expect(s.gatewayOutbox.head(lane)?.eventId).toBe("$gateway");
    expect(s.outbox.head(lane)?.eventId).toBe("$portal");

    s.outbox.recordAnnounced(lane);
    s.outbox.recordAttempt(s.outbox.head(lane)!.id);
    expect(s.gatewayOutbox.head(lane)).toMatchObject({ attempts: 0, announced: false });

    s.gatewayOutbox.done(s.gatewayOutbox.head(lane)!.id);
    expect(s.gatewayOutbox.size()).toBe(0);
    expect(s.outbox.size()).toBe(2);
  });
});

describe("migration 4 (gateway)", () => {
  const GATEWAY_TABLES = ["gateway_chats", "gateway_members", "gateway_messages", "gateway_outbox", "gateway_people", "gateway_providers", "gateway_published", "gateway_reactions", "gateway_rooms"];
  const gatewayTables = (s: Storage) => s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'gateway%' ORDER BY name").pluck().all();

  it("takes a database at version 3 to 4, adding the gateway's tables and keeping what was there", () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const dbPath = path.join(dir, "crosschat.db");

    const old = openDatabase(dbPath, { logger: silentLogger(), migrations: MIGRATIONS.slice(0, 3) });
    expect(old.schemaVersion()).toBe(3);
    expect(gatewayTables(old)).toEqual([]);
    const portal = old.portals.ensure({ network: "whatsapp", chatId: "p1", receiver: "alice" }, "direct");
    old.outbox.add(portal.id, "$waiting", event(1));
    old.close();

    const s = openDatabase(dbPath, { logger: silentLogger(), migrations: MIGRATIONS.slice(0, 4) });
    open.push(s);
    expect(s.schemaVersion()).toBe(4);
    expect(gatewayTables(s)).toEqual(GATEWAY_TABLES);
    expect(s.outbox.head(portal.id)?.eventId).toBe("$waiting");

    const { whatsapp } = conversation(s);
    expect(s.gatewayOutbox.add(whatsapp.id, "$e1", event(1))).toBe(true);
    expect(s.gatewayPeople.upsert(person("whatsapp:a", "a.whatsapp")).handle).toBe("a.whatsapp");
  });

  it("gives a new database the same gateway tables", () => {
    expect(gatewayTables(storage())).toEqual(GATEWAY_TABLES);
  });
});
