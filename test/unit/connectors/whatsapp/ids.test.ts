import { describe, expect, it } from "@jest/globals";
import { chatKindOf, ghostId, jidForInput, messageIdFor, hiddenGhostId } from "../../../../src/connectors/whatsapp/ids.js";
import { MESSAGE_ID } from "../../../../src/simnet/whatsapp/protocol.js";

describe("whatsapp ids", () => {
  it("derives the same message id from the same key every time", () => {
    expect(messageIdFor("$event:matrix.example")).toBe(messageIdFor("$event:matrix.example"));
    expect(messageIdFor("a")).not.toBe(messageIdFor("b"));
  });

  it("derives ids WhatsApp accepts: 3EB0 and 28 upper-case hex characters of the key's SHA-256", () => {
    // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    expect(messageIdFor("abc")).toBe("3EB0BA7816BF8F01CFEA414140DE5DAE");
    for (const key of ["", "x", "🎉 unicode key", "k".repeat(10_000)]) {
      const id = messageIdFor(key);
      expect(id).toMatch(MESSAGE_ID);
      expect(id).toHaveLength(32);
    }
  });

  it("tells groups from direct chats by the JID's server", () => {
    expect(chatKindOf("120363418220953310@g.us")).toBe("group");
    expect(chatKindOf("15551234567@s.whatsapp.net")).toBe("direct");
  });

  it("reads a typed phone number or JID as a user JID", () => {
    expect(jidForInput("+1 (555) 123-4567")).toBe("15551234567@s.whatsapp.net");
    expect(jidForInput("15551234567@s.whatsapp.net")).toBe("15551234567@s.whatsapp.net");
    expect(jidForInput("alice")).toBeUndefined();
  });

  it("uses the phone number as a person's ghost id", () => {
    expect(ghostId("15551234567@s.whatsapp.net")).toBe("15551234567");
  });
});

describe("hiddenGhostId (phone numbers kept off Matrix)", () => {
  const key = Buffer.alloc(32, 7);
  const jid = "15551234567@s.whatsapp.net";

  it("gives a person the same id every time, with no digit run of their number in it", () => {
    const id = hiddenGhostId(key)(jid);
    expect(id).toMatch(/^h[0-9a-f]{20}$/);
    expect(id).toBe(hiddenGhostId(Buffer.alloc(32, 7))(jid));
    expect(id).not.toContain("1555123");
  });

  it("depends on the install's key, so trying every number does not undo it", () => {
    expect(hiddenGhostId(Buffer.alloc(32, 8))(jid)).not.toBe(hiddenGhostId(key)(jid));
  });

  it("gives different people different ids, and leaves ids that are not a person's number as they are", () => {
    expect(hiddenGhostId(key)("15551234568@s.whatsapp.net")).not.toBe(hiddenGhostId(key)(jid));
    expect(hiddenGhostId(key)("u0c5e8a7f33b1d290")).toBe("u0c5e8a7f33b1d290");
    expect(hiddenGhostId(key)("120363150470836091@g.us")).toBe("120363150470836091@g.us");
  });
});
