import { describe, expect, it } from "@jest/globals";
import { toNetworkError } from "../../../../src/connectors/whatsapp/errors.js";
import { NetworkError, type NetworkErrorCode } from "../../../../src/network/index.js";
import { SimnetRequestError } from "../../../../src/simnet/client/http.js";
import { DecryptError } from "../../../../src/simnet/whatsapp/client/crypto.js";

const refusal = (status: number, text: string, retryAfter?: number) =>
  new SimnetRequestError(status, text, `the server says ${text}`, { error: { code: status, text, message: `the server says ${text}` } }, retryAfter);

describe("whatsapp error mapping", () => {
  it.each<[number, string, NetworkErrorCode]>([
    [401, "unauthorized", "logged_out"],
    [403, "edit_window_expired", "window_expired"],
    [403, "revoke_window_expired", "window_expired"],
    [403, "not_sender", "forbidden"],
    [403, "not_admin", "forbidden"],
    [403, "announcement_only", "forbidden"],
    [404, "message_not_found", "not_found"],
    [404, "group_not_found", "not_found"],
    [410, "message_revoked", "not_found"],
    [413, "message_too_large", "too_large"],
    [413, "media_too_large", "too_large"],
    [413, "text_too_long", "too_large"],
    [400, "invalid_argument", "invalid"],
    [400, "invalid_jid", "invalid"],
    [409, "message_id_conflict", "invalid"],
    [500, "internal_error", "transient"],
    [503, "unavailable", "transient"],
  ])("maps %i %s to %s, keeping the server's message", (status, text, code) => {
    const error = toNetworkError(refusal(status, text));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe(code);
    expect(error.message).toContain(`the server says ${text}`);
  });

  it("maps 429 to rate_limited with the wait from Retry-After, or from the error body", () => {
    expect(toNetworkError(refusal(429, "rate_overlimit", 7))).toMatchObject({ code: "rate_limited", retryAfterMs: 7000 });
    const bodyOnly = new SimnetRequestError(429, "rate_overlimit", "slow down", { error: { code: 429, text: "rate_overlimit", retry_after: 3 } });
    expect(toNetworkError(bodyOnly)).toMatchObject({ code: "rate_limited", retryAfterMs: 3000 });
  });

  it("maps dropped connections and unknown failures to transient", () => {
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    expect(toNetworkError(reset)).toMatchObject({ code: "transient" });
    expect(toNetworkError(new Error("the realtime connection closed")).code).toBe("transient");
    expect(toNetworkError("a string").code).toBe("transient");
  });

  it("maps content that does not decrypt to invalid, and passes NetworkErrors through", () => {
    expect(toNetworkError(new DecryptError("tampered")).code).toBe("invalid");
    const own = new NetworkError("unsupported", "no");
    expect(toNetworkError(own)).toBe(own);
  });
});
