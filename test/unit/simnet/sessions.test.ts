import { describe, expect, it } from "@jest/globals";
import { hashPassword, hashToken, newNumericCode, verifyPassword } from "../../../src/simnet/core/credentials.js";
import { openSimnetDatabase } from "../../../src/simnet/core/database.js";
import { ProtocolError } from "../../../src/simnet/core/protocol-error.js";
import { sessionSchema, Sessions } from "../../../src/simnet/core/sessions.js";

describe("credentials", () => {
  it("verifies the right password and refuses a wrong one or a malformed hash", () => {
    const stored = hashPassword("correct horse");
    expect(verifyPassword("correct horse", stored)).toBe(true);
    expect(verifyPassword("correct horsE", stored)).toBe(false);
    expect(verifyPassword("correct horse", "plain-text")).toBe(false);
  });

  it("salts passwords, so equal passwords store differently", () => {
    expect(hashPassword("same")).not.toBe(hashPassword("same"));
  });

  it("makes numeric codes of the asked length, leading zeros kept", () => {
    for (let i = 0; i < 200; i++) expect(newNumericCode(6)).toMatch(/^\d{6}$/);
  });
});

describe("sessions", () => {
  const open = () => new Sessions(openSimnetDatabase(":memory:", [sessionSchema]), () => 1000);

  it("logs a token in to its account and keeps only the token's hash", () => {
    const sessions = open();
    const { session, token } = sessions.create("acct-1", "laptop");
    expect(sessions.find(token)).toEqual(session);
    expect(session).toEqual({ id: session.id, account: "acct-1", label: "laptop", createdAt: 1000 });
    expect(hashToken(token)).not.toBe(token);
  });

  it("lets one account hold several sessions at once", () => {
    const sessions = open();
    sessions.create("acct-1", "phone");
    sessions.create("acct-1", "bridge");
    sessions.create("acct-2", "phone");
    expect(sessions.list("acct-1").map((s) => s.label).sort()).toEqual(["bridge", "phone"]);
  });

  it("refuses a missing or unknown token with a 401", () => {
    const sessions = open();
    for (const token of [undefined, "not-a-token"]) {
      const error = (() => {
        try {
          sessions.require(token);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).status).toBe(401);
    }
  });

  it("kills a revoked session's token and tells the listeners which session ended", () => {
    const sessions = open();
    const { session, token } = sessions.create("acct-1", "bridge");
    const ended: string[] = [];
    sessions.onRevoked((s) => ended.push(s.id));
    expect(sessions.revoke(session.id)).toBe(true);
    expect(sessions.find(token)).toBeUndefined();
    expect(ended).toEqual([session.id]);
    expect(sessions.revoke(session.id)).toBe(false);
  });
});
