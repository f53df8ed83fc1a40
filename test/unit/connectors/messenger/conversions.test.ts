import { describe, expect, it } from "@jest/globals";
import { codeFor, toNetworkError } from "../../../../src/connectors/messenger/errors.js";
import { chatKindOf, ghostId, offlineThreadingIdFor } from "../../../../src/connectors/messenger/ids.js";
import { fromMessenger, toMessenger } from "../../../../src/connectors/messenger/markup.js";
import { decodeDataUri } from "../../../../src/connectors/messenger/files.js";
import { echoKeyOf, OwnEchoes } from "../../../../src/connectors/messenger/echoes.js";
import { messengerCapabilities } from "../../../../src/connectors/messenger/capabilities.js";
import { NetworkError } from "../../../../src/network/index.js";
import { SimnetRequestError } from "../../../../src/simnet/client/http.js";

describe("messenger ids", () => {
  it("derives the same offline threading id from the same key, a decimal of at most 20 digits", () => {
    const id = offlineThreadingIdFor("$event:example.org");
    expect(id).toMatch(/^[0-9]{1,20}$/);
    expect(offlineThreadingIdFor("$event:example.org")).toBe(id);
    expect(offlineThreadingIdFor("$other:example.org")).not.toBe(id);
  });

  it("uses the account id as ghost id and tells direct threads from groups", () => {
    expect(ghostId("100000000000001")).toBe("100000000000001");
    expect(chatKindOf("100000000000001")).toBe("direct");
    expect(chatKindOf("2000000000000001")).toBe("group");
  });
});

describe("messenger markup", () => {
  it("turns mention ranges into mention entities in UTF-16 units and back", () => {
    const text = "😀 hi Bob";
    const formatted = fromMessenger(text, [{ offset: 6, length: 3, user_id: "100000000000002" }]);
    expect(formatted.entities).toEqual([{ type: "mention", offset: 6, length: 3, user: "100000000000002" }]);
    expect(toMessenger(formatted)).toEqual({ text, mentions: [{ offset: 6, length: 3, user_id: "100000000000002" }] });
  });

  it("sends bold and other styles as plain text and drops overlapping mentions", () => {
    const out = toMessenger({
      text: "hey Bob Bo",
      entities: [
        { type: "bold", offset: 0, length: 3 },
        { type: "mention", offset: 4, length: 3, user: "1" },
        { type: "mention", offset: 5, length: 5, user: "2" },
      ],
    });
    expect(out).toEqual({ text: "hey Bob Bo", mentions: [{ offset: 4, length: 3, user_id: "1" }] });
    expect(messengerCapabilities.formatting).toEqual(["mention"]);
  });

  it("spells out a link's address after its text, moving later mentions along", () => {
    const out = toMessenger({
      text: "see the site, Bob",
      entities: [
        { type: "link", offset: 4, length: 8, url: "https://example.org" },
        { type: "mention", offset: 14, length: 3, user: "1" },
      ],
    });
    expect(out).toEqual({ text: "see the site (https://example.org), Bob", mentions: [{ offset: 36, length: 3, user_id: "1" }] });
    expect(toMessenger({ text: "https://example.org", entities: [{ type: "link", offset: 0, length: 19, url: "https://example.org" }] }).text).toBe("https://example.org");
  });

  it("ignores mention ranges outside the text", () => {
    expect(fromMessenger("hi", [{ offset: 1, length: 5, user_id: "1" }]).entities).toEqual([]);
  });
});

describe("messenger errors", () => {
  it.each([
    [401, "unauthorized", "logged_out"],
    [409, "edit_window_expired", "window_expired"],
    [409, "edit_limit_reached", "window_expired"],
    [403, "not_sender", "forbidden"],
    [404, "message_not_found", "not_found"],
    [409, "message_unsent", "not_found"],
    [413, "media_too_large", "too_large"],
    [400, "text_too_long", "too_large"],
    [429, "rate_limited", "rate_limited"],
    [400, "invalid_argument", "invalid"],
    [409, "last_admin", "invalid"],
    [500, "internal_error", "transient"],
    [503, "unavailable", "transient"],
  ])("maps %i %s to %s", (status, code, expected) => {
    expect(codeFor(status, code)).toBe(expected);
  });

  it("carries the wait of a 429 and treats lost connections as transient", () => {
    const error = toNetworkError(new SimnetRequestError(429, "rate_limited", "slow down", { error: { retry_after_seconds: 7 } }));
    expect(error).toBeInstanceOf(NetworkError);
    expect([error.code, error.retryAfterMs]).toEqual(["rate_limited", 7000]);
    expect(toNetworkError(new Error("ECONNRESET")).code).toBe("transient");
  });
});

describe("messenger files and echoes", () => {
  it("decodes base64 and percent-encoded data URIs", () => {
    expect(decodeDataUri("data:image/svg+xml;base64,PHN2Zy8+")).toEqual({ mimeType: "image/svg+xml", data: Buffer.from("<svg/>") });
    expect(decodeDataUri("data:image/svg+xml,%3Csvg%2F%3E")?.data.toString()).toBe("<svg/>");
    expect(decodeDataUri("https://example.org")).toBeUndefined();
  });

  it("recognises the echo of the bridge's own send once, and never someone else's", () => {
    const echoes = new OwnEchoes();
    const delta = { type: "message_unsent", message_id: "mid.$x", unsent_at: 1, thread_id: "1", actor_id: "1", own: true } as const;
    expect(echoKeyOf(delta)).toBe("unsend:mid.$x");
    echoes.expect("unsend:mid.$x");
    expect(echoes.take({ ...delta, own: false })).toBe(false);
    expect(echoes.take(delta)).toBe(true);
    expect(echoes.take(delta)).toBe(false);
  });
});
