import { describe, expect, it } from "@jest/globals";
import { matrixTxnId, networkKey } from "../../../src/core/keys.js";
import { escapeLocalpart, ghostDisplayName, ghostUserId } from "../../../src/core/matrix-ids.js";

describe("idempotency keys", () => {
  it("derives the same network key for the same portal and Matrix event, and different ones otherwise", () => {
    expect(networkKey(1, "$a")).toBe(networkKey(1, "$a"));
    expect(networkKey(1, "$a")).not.toBe(networkKey(2, "$a"));
    expect(networkKey(1, "$a")).not.toBe(networkKey(1, "$b"));
    expect(networkKey(1, "$a", "send")).not.toBe(networkKey(1, "$a", "react"));
  });

  it("derives homeserver transaction ids from the remote identity only", () => {
    expect(matrixTxnId(3, "message", "3EB0AA")).toBe(matrixTxnId(3, "message", "3EB0AA"));
    expect(matrixTxnId(3, "message", "3EB0AA")).not.toBe(matrixTxnId(3, "edit", "3EB0AA"));
    expect(matrixTxnId(3, "message", "3EB0AA")).toMatch(/^cc-[0-9a-f]{40}$/);
  });
});

describe("ghost user ids", () => {
  it("keeps characters a localpart allows and maps the rest the way the Matrix spec suggests", () => {
    expect(escapeLocalpart("15551234567")).toBe("15551234567");
    expect(escapeLocalpart("Alice_B")).toBe("_alice___b");
    expect(escapeLocalpart("a b@c")).toBe("a=20b=40c");
    expect(escapeLocalpart("é")).toBe("=c3=a9");
    expect(escapeLocalpart("a=b")).toBe("a=3db");
  });

  it("fills the localpart and display name templates", () => {
    expect(ghostUserId("whatsapp_{{id}}", "15551234567", "example.org")).toBe("@whatsapp_15551234567:example.org");
    expect(ghostDisplayName("{{name}} (WhatsApp)", "Bob", "155")).toBe("Bob (WhatsApp)");
    expect(ghostDisplayName("{{name}} [{{id}}]", "Bob", "155")).toBe("Bob [155]");
  });
});
