/**
 * The interoperability API's storage is a schema step of its own: a Messenger database written
 * before it existed gains its tables and keeps everything it held.
 */
import { afterEach, describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashPassword } from "../../../src/simnet/core/credentials.js";
import { openSimnetDatabase } from "../../../src/simnet/core/database.js";
import { eventStreamSchema } from "../../../src/simnet/core/event-stream.js";
import { startNetworkServer, type RunningNetworkServer } from "../../../src/simnet/core/server.js";
import { MessengerClient } from "../../../src/simnet/messenger/client/index.js";
import { MessengerInteropProvider, messengerInteropKit } from "../../../src/simnet/messenger/client/interop.js";
import { messengerNetwork } from "../../../src/simnet/messenger/index.js";
import { messengerInteropSchema } from "../../../src/simnet/messenger/interop/schema.js";
import { NO_RETRY } from "./harness.js";

const ADMIN = "storage-admin-token";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A database as the Messenger simulation wrote it before the interoperability API: Alice wrote to Bob. */
function databaseFromBefore(path: string): void {
  const before = messengerNetwork.schema.filter((step) => step !== messengerInteropSchema);
  const db = openSimnetDatabase(path, [eventStreamSchema, ...before]);
  const account = db.prepare("INSERT INTO accounts (id, name, email, password_hash, two_factor, created_at) VALUES (?, ?, ?, ?, 0, 1)");
  account.run("100000000000001", "Alice", "alice@example.com", hashPassword("secret"));
  account.run("100000000000002", "Bob", "bob@example.com", hashPassword("secret"));
  db.prepare("INSERT INTO id_counters (name, next) VALUES ('account', 100000000000002)").run();
  const key = "100000000000001:100000000000002";
  db.prepare("INSERT INTO threads (key, kind, created_by, created_at, last_activity) VALUES (?, 'direct', '100000000000001', 1, 2)").run(key);
  const participant = db.prepare("INSERT INTO participants (thread, account, is_admin, joined_at) VALUES (?, ?, 0, 1)");
  participant.run(key, "100000000000001");
  participant.run(key, "100000000000002");
  db.prepare("INSERT INTO messages (seq, id, thread, sender, timestamp, text) VALUES (1, 'mid.$AAAAAAABAAAAAAAAAAAA', ?, '100000000000001', 2, 'from before')").run(key);
  db.close();
}

describe("messenger third-party chats: storage", () => {
  it("adds its tables to a database written before them, keeping its accounts, threads and messages", async () => {
    const dir = mkdtempSync(join(tmpdir(), "simnet-messenger-upgrade-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "messenger.db");
    databaseFromBefore(path);

    const server: RunningNetworkServer = await startNetworkServer(messengerNetwork, { databasePath: path, adminToken: ADMIN });
    cleanups.push(() => server.stop());
    const bob = await MessengerClient.login(server.url, { email: "bob@example.com", password: "secret" }, async () => "", NO_RETRY);
    cleanups.push(() => bob.close());
    const { messages } = await bob.api.messages("100000000000001");
    expect(messages.map((m) => [m.id, m.sender_id, m.text])).toEqual([["mid.$AAAAAAABAAAAAAAAAAAA", "100000000000001", "from before"]]);
    await bob.api.react("mid.$AAAAAAABAAAAAAAAAAAA", "👍");
    expect(await bob.api.thirdPartyChats()).toBe(false);

    await bob.api.setThirdPartyChats(true);
    const credentials = await messengerInteropKit.registerProvider(server.url, ADMIN, "crosschat");
    const provider = new MessengerInteropProvider(server.url, credentials);
    cleanups.push(() => provider.close());
    expect(await provider.lookup("bob@example.com")).toEqual({ id: "100000000000002", name: "Bob" });
  });
});
