import { describe, expect, it } from "@jest/globals";
import { REDACTED, SecretRedactor } from "../../../src/logging/secrets.js";

describe("keeping secrets out of logs", () => {
  it("replaces a registered secret wherever it appears in text", () => {
    const redactor = new SecretRedactor();
    redactor.add("s3cr3t-token-value");
    expect(redactor.redactText("PUT /x?token=s3cr3t-token-value and s3cr3t-token-value again")).toBe(
      `PUT /x?token=${REDACTED} and ${REDACTED} again`,
    );
  });

  it("ignores values too short to be secrets, so ordinary words survive", () => {
    const redactor = new SecretRedactor();
    redactor.add("abc");
    expect(redactor.redactText("abc def")).toBe("abc def");
  });

  it("masks access_token query parameters and Authorization headers even when unregistered", () => {
    const redactor = new SecretRedactor();
    expect(redactor.redactText("GET /sync?access_token=syt_abc123&since=5")).toBe(
      `GET /sync?access_token=${REDACTED}&since=5`,
    );
    expect(redactor.redactText('headers: { Authorization: "Bearer syt_abc123" }')).toBe(
      `headers: { Authorization: "Bearer ${REDACTED}" }`,
    );
  });

  it("masks fields whose name says they hold a secret, at any depth", () => {
    const redactor = new SecretRedactor();
    const input = { user: "alice", login: { password: "hunter22", pairing_code: "ABCD-EFGH" }, hs_token: "x" };
    expect(redactor.redactValue(input)).toEqual({
      user: "alice",
      login: { password: REDACTED, pairing_code: REDACTED },
      hs_token: REDACTED,
    });
  });

  it("redacts an error's message and stack without changing the original", () => {
    const redactor = new SecretRedactor();
    redactor.add("leaky-secret-1234");
    const error = new Error("request failed with leaky-secret-1234");
    const copy = redactor.redactValue(error) as Error;
    expect(copy.message).toBe(`request failed with ${REDACTED}`);
    expect(copy.stack).not.toContain("leaky-secret-1234");
    expect(error.message).toContain("leaky-secret-1234");
  });

  it("survives circular structures", () => {
    const redactor = new SecretRedactor();
    const loop: Record<string, unknown> = { name: "loop" };
    loop["self"] = loop;
    expect(redactor.redactValue(loop)).toEqual({ name: "loop", self: "[circular]" });
  });
});
