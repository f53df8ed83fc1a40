import { describe, expect, it } from "@jest/globals";
import { chatKindOf, ghostId, jidForInput, messageIdFor } from "../../../../src/connectors/whatsapp/ids.js";
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
