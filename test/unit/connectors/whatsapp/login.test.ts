import { describe, expect, it } from "@jest/globals";
import { failureReason } from "../../../../src/connectors/whatsapp/login.js";
import { SimnetRequestError } from "../../../../src/simnet/client/http.js";

const refusal = (status: number, text: string, retryAfter?: number) => new SimnetRequestError(status, text, text, undefined, retryAfter);

describe("whatsapp login failure reasons", () => {
  it.each([
    [403, "pairing_rejected", "rejected on the phone"],
    [410, "pairing_code_expired", "expired"],
    [409, "too_many_devices", "Unlink one on the phone"],
    [410, "pairing_already_completed", "already completed"],
    [429, "too_many_code_requests", "too many"],
  ])("explains %i %s to the person", (status, text, expected) => {
    expect(failureReason(refusal(status, text))).toContain(expected);
  });

  it("says how long to wait when the network limits code requests", () => {
    expect(failureReason(refusal(429, "too_many_code_requests", 600))).toContain("Try again in 10 minutes");
  });

  it("leaves errors that are not the person's to the caller", () => {
    expect(failureReason(refusal(500, "internal_error"))).toBeUndefined();
    expect(failureReason(new Error("ECONNRESET"))).toBeUndefined();
  });
});
