import { afterEach, describe, expect, it } from "@jest/globals";
import { Logins } from "../../../src/core/logins.js";
import type { NetworkConnector, NetworkSession, RemoteEventSink } from "../../../src/network/index.js";
import { openDatabase, type Storage } from "../../../src/storage/index.js";
import { capturingLogger } from "../storage/helpers.js";

const open: Storage[] = [];
afterEach(() => open.splice(0).forEach((s) => s.close()));

/** A connector whose sessions only record that they were started, and hand out their sink. */
function recordingConnector() {
  const started: Record<string, unknown>[] = [];
  const sinks: RemoteEventSink[] = [];
  const connector = {
    network: "whatsapp",
    connect(session: Record<string, unknown>, sink: RemoteEventSink) {
      sinks.push(sink);
      return { state: "connected", start: async () => void started.push(session), stop: async () => undefined } as unknown as NetworkSession;
    },
  } as unknown as NetworkConnector;
  return { connector, started, sinks };
}

function setup(allowed: (userId: string) => boolean) {
  const storage = openDatabase(":memory:", { logger: capturingLogger().logger });
  open.push(storage);
  const { logger, records } = capturingLogger();
  const { connector, started, sinks } = recordingConnector();
  const loggedOut: string[] = [];
  const logins = new Logins({
    store: storage.logins,
    connectors: new Map([["whatsapp", connector]]),
    allowed: (login) => allowed(login.matrixUserId),
    logger,
    events: {
      onRemoteEvent: async () => undefined,
      onLoggedOut: async (login, reason) => void loggedOut.push(`${login.matrixUserId}: ${reason}`),
      onNewLogin: async () => undefined,
    },
  });
  return { storage, logins, started, sinks, records, loggedOut };
}

const login = (matrixUserId: string, remoteUserId: string) => ({ matrixUserId, network: "whatsapp" as const, remoteUserId, remoteName: remoteUserId, session: { id: remoteUserId } });

describe("Logins", () => {
  it("connects stored logins at start, except those whose owner may no longer log in", async () => {
    const { storage, logins, started, records } = setup((userId) => userId !== "@blocked:x");
    storage.logins.save(login("@alice:x", "a"));
    storage.logins.save(login("@blocked:x", "b"));
    await logins.startAll();
    expect(started).toEqual([{ id: "a" }]);
    expect(records.some((r) => r.level === "warn" && /may no longer log in/.test(r.message))).toBe(true);
  });

  it("marks a login logged out when the network ends it, and tells its owner", async () => {
    const { storage, logins, sinks, loggedOut } = setup(() => true);
    const stored = storage.logins.save(login("@alice:x", "a"));
    await logins.startAll();
    sinks[0]?.loggedOut("unlinked");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(storage.logins.get(stored.id)?.state).toBe("logged-out");
    expect(logins.get(stored.id)).toBeUndefined();
    expect(loggedOut).toEqual(["@alice:x: unlinked"]);
  });

  it("refuses to bridge one remote account for two Matrix users", async () => {
    const { logins } = setup(() => true);
    await logins.add("@alice:x", "whatsapp", { remoteUserId: "a", remoteName: "A", session: {} });
    await expect(logins.add("@mallory:x", "whatsapp", { remoteUserId: "a", remoteName: "A", session: {} })).rejects.toThrow(
      "already bridged for another Matrix user",
    );
  });
});
