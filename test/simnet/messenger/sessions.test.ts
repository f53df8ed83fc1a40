/** Several sessions per account: listed, revoked (closing their stream), logged out. */
import { describe, expect, it } from "@jest/globals";
import { SimnetRequestError } from "../../../src/simnet/client/http.js";
import { nextEvent, useMessenger } from "./harness.js";

const start = useMessenger();

describe("messenger sessions", () => {
  it("keeps several sessions at once and lists them with their device names, marking the current one", async () => {
    const world = await start();
    const alice = await world.user("Alice");
    const laptop = await world.login(alice, undefined, "Laptop");
    const phone = await world.login(alice, undefined, "Phone");
    const sessions = await phone.api.sessions();
    expect(sessions.map((s) => [s.device_name, s.current])).toEqual([
      ["Laptop", false],
      ["Phone", true],
    ]);
    expect(sessions.map((s) => s.session_id)).toEqual([laptop.sessionId, phone.sessionId]);
    expect((await world.admin.sessions(alice.account.id)).map((s) => s.device_name)).toEqual(["Laptop", "Phone"]);
  });

  it("revoking a session closes its realtime stream at once and its token stops working", async () => {
    const world = await start();
    const alice = await world.user("Alice");
    const laptop = await world.login(alice, undefined, "Laptop");
    const phone = await world.login(alice, undefined, "Phone");
    const stream = laptop.realtime();
    await stream.start();
    const ended = nextEvent(stream, "session_ended");
    await phone.api.revokeSession(laptop.sessionId);
    expect(await ended).toMatchObject({ code: "session_revoked" });
    const refused = await laptop.api.me().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SimnetRequestError);
    expect((refused as SimnetRequestError).status).toBe(401);
    expect(await phone.api.me()).toMatchObject({ id: alice.account.id });
  });

  it("logging out ends only the current session", async () => {
    const world = await start();
    const alice = await world.user("Alice");
    const laptop = await world.login(alice, undefined, "Laptop");
    const phone = await world.login(alice, undefined, "Phone");
    await laptop.logout();
    expect(((await laptop.api.me().catch((e: unknown) => e)) as SimnetRequestError).code).toBe("unauthorized");
    expect((await phone.api.sessions()).map((s) => s.device_name)).toEqual(["Phone"]);
  });

  it("cannot revoke someone else's session", async () => {
    const world = await start();
    const alice = await world.login(await world.user("Alice"));
    const bob = await world.login(await world.user("Bob"));
    const refused = (await alice.api.revokeSession(bob.sessionId).catch((e: unknown) => e)) as SimnetRequestError;
    expect([refused.status, refused.code]).toEqual([404, "session_not_found"]);
    expect(await bob.api.me()).toBeDefined();
  });

  it("a stream opened with a revoked token is refused with unauthorized", async () => {
    const world = await start();
    const alice = await world.user("Alice");
    const client = await world.login(alice);
    await client.api.logout();
    await expect(client.realtime().start()).rejects.toThrow(/no longer valid/);
  });
});
