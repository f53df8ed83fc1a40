import { describe, expect, it } from "@jest/globals";
import { transactionFingerprint } from "../../../src/matrix/transaction-fingerprint.js";

const event = (id: string, body = "hi") => ({ event_id: id, type: "m.room.message", content: { body } });
const typing = (users: string[]) => ({ type: "m.typing", room_id: "!r:x", content: { user_ids: users } });

describe("fingerprinting an appservice transaction", () => {
  it("is the same for a retry carrying the same events", () => {
    expect(transactionFingerprint([event("$a"), event("$b")], [typing(["@u:x"])])).toBe(
      transactionFingerprint([event("$a"), event("$b")], [typing(["@u:x"])]),
    );
  });

  it("identifies room events by their ids, not by fields a retry may change", () => {
    expect(transactionFingerprint([{ ...event("$a"), unsigned: { age: 10 } }], [])).toBe(
      transactionFingerprint([{ ...event("$a"), unsigned: { age: 9000 } }], []),
    );
  });

  it("differs when the events differ, in content or in order", () => {
    const base = transactionFingerprint([event("$a"), event("$b")], []);
    expect(transactionFingerprint([event("$a"), event("$c")], [])).not.toBe(base);
    expect(transactionFingerprint([event("$b"), event("$a")], [])).not.toBe(base);
    expect(transactionFingerprint([event("$a"), event("$b")], [typing([])])).not.toBe(base);
  });

  it("tells room events and ephemeral events apart", () => {
    const same = { event_id: "$a" };
    expect(transactionFingerprint([same], [])).not.toBe(transactionFingerprint([], [same]));
  });

  it("gives an empty transaction a fingerprint too", () => {
    expect(transactionFingerprint([], [])).toMatch(/^[0-9a-f]{64}$/);
  });
});
