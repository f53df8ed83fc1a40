import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { openDatabase, type Storage } from "../../../src/storage/index.js";
import { silentLogger } from "./helpers.js";

const ALICE = "@alice:example.org";
const BOB = "@bob:example.org";

describe("ManagementRoomRepository", () => {
  let storage: Storage;

  beforeEach(() => {
    storage = openDatabase(":memory:", { logger: silentLogger() });
  });

  afterEach(() => {
    storage.close();
  });

  const createdAt = (userId: string): unknown =>
    storage.db.prepare("SELECT created_at FROM management_rooms WHERE user_id = ?").pluck().get(userId);

  it("finds a recorded room by user and the user by room", () => {
    storage.managementRooms.set(ALICE, "!a:example.org");
    expect(storage.managementRooms.get(ALICE)).toBe("!a:example.org");
    expect(storage.managementRooms.findUserByRoom("!a:example.org")).toBe(ALICE);
  });

  it("returns undefined for unknown users and rooms", () => {
    expect(storage.managementRooms.get(ALICE)).toBeUndefined();
    expect(storage.managementRooms.findUserByRoom("!nowhere:example.org")).toBeUndefined();
  });

  it("replaces a user's previous room, forgetting the old one", () => {
    storage.managementRooms.set(ALICE, "!old:example.org", 1000);
    storage.managementRooms.set(ALICE, "!new:example.org", 2000);
    expect(storage.managementRooms.get(ALICE)).toBe("!new:example.org");
    expect(storage.managementRooms.findUserByRoom("!old:example.org")).toBeUndefined();
    expect(createdAt(ALICE)).toBe(2000);
  });

  it("keeps the original time when the same room is set again", () => {
    storage.managementRooms.set(ALICE, "!a:example.org", 1000);
    storage.managementRooms.set(ALICE, "!a:example.org", 5000);
    expect(createdAt(ALICE)).toBe(1000);
  });

  it("refuses to give one room to two users", () => {
    storage.managementRooms.set(ALICE, "!shared:example.org");
    expect(() => storage.managementRooms.set(BOB, "!shared:example.org")).toThrow(
      `room !shared:example.org is already the management room of ${ALICE}`,
    );
    expect(storage.managementRooms.get(BOB)).toBeUndefined();
    expect(storage.managementRooms.findUserByRoom("!shared:example.org")).toBe(ALICE);
  });

  it("removes a user's room, and removing again is harmless", () => {
    storage.managementRooms.set(ALICE, "!a:example.org");
    storage.managementRooms.remove(ALICE);
    storage.managementRooms.remove(ALICE);
    expect(storage.managementRooms.get(ALICE)).toBeUndefined();
    expect(storage.managementRooms.findUserByRoom("!a:example.org")).toBeUndefined();
  });
});
