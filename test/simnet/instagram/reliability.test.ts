/**
 * Sends that survive retries and failures: idempotency by client_context, Instagram's strict
 * rate limits (429 feedback_required with Retry-After, never retried by the client), injected
 * 500s and 429s the client retries through, nothing lost across a server restart, and bad
 * input answered with Instagram-shaped 4xx errors.
 */
import { describe, expect, it } from "@jest/globals";
import { isFeedbackRequired } from "../../../src/simnet/instagram/client/errors.js";
import { Harness, testNetwork } from "./harness.js";

describe("instagram reliability", () => {
  it("makes a retried send with the same client_context return the same item and create nothing", async () => {
    const h = await Harness.start();
    const { alice, bob, thread_id } = await h.pair();
    const bobEvents = await h.listen(bob);
    const first = await alice.sendText(thread_id, "once", { clientContext: "retry-me" });
    const again = await alice.sendText(thread_id, "once", { clientContext: "retry-me" });
    expect(again).toEqual(first);
    expect(await h.admin.items(thread_id)).toHaveLength(1);
    await alice.sendText(thread_id, "marker");
    await bobEvents.until((e) => e.type === "item" && e.item.text === "marker");
    expect(bobEvents.of("item").map((e) => e.item.text)).toEqual(["once", "marker"]);
  });

  it("makes a retried group creation return the first group", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    await h.account("bob");
    await h.account("carol");
    const first = await alice.createGroup({ usernames: ["bob", "carol"] }, { clientContext: "group-1" });
    const again = await alice.createGroup({ usernames: ["bob", "carol"] }, { clientContext: "group-1" });
    expect(again.thread_id).toBe(first.thread_id);
    expect((await alice.inbox()).inbox.threads).toHaveLength(1);
  });

  it("limits sends per account with 429 feedback_required and Retry-After, which the client does not retry", async () => {
    const h = await Harness.start(testNetwork({ rateLimits: { sendsPerMinute: 3 } }));
    const { alice, bob, thread_id } = await h.pair();
    for (let i = 0; i < 3; i++) await alice.sendText(thread_id, `ok ${i}`);
    const started = Date.now();
    const error = await alice.sendLike(thread_id).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(isFeedbackRequired(error)).toBe(true);
    expect(error).toMatchObject({
      status: 429,
      code: "feedback_required",
      body: { message: "feedback_required", spam: true, feedback_title: "Try Again Later", status: "fail" },
    });
    expect((error as { body: Record<string, unknown> }).body.feedback_message).toEqual(expect.any(String));
    expect((error as { retryAfter: number }).retryAfter).toBeGreaterThanOrEqual(1);
    expect(await bob.sendText(thread_id, "bob has his own budget")).toMatchObject({ item_type: "text" });
    h.clock.offsetMs += 20_000;
    expect(await alice.sendText(thread_id, "a third of a minute later")).toMatchObject({ item_type: "text" });
  });

  it("does not count a replayed send against the limit", async () => {
    const h = await Harness.start(testNetwork({ rateLimits: { sendsPerMinute: 1 } }));
    const { alice, thread_id } = await h.pair();
    const item = await alice.sendText(thread_id, "once", { clientContext: "ctx-1" });
    expect((await alice.sendText(thread_id, "once", { clientContext: "ctx-1" })).item_id).toBe(item.item_id);
    await expect(alice.sendText(thread_id, "twice")).rejects.toMatchObject({ code: "feedback_required" });
  });

  it("limits reactions, edits and other actions separately from sends", async () => {
    const h = await Harness.start(testNetwork({ rateLimits: { actionsPerMinute: 2 } }));
    const { alice, thread_id } = await h.pair();
    const item = await alice.sendText(thread_id, "hi");
    await alice.react(thread_id, item.item_id, "😀");
    await expect(alice.react(thread_id, item.item_id, "😂")).rejects.toMatchObject({ status: 429, code: "feedback_required" });
    expect((await alice.sendText(thread_id, "sending still works")).item_type).toBe("text");
  });

  it("retries through injected 500s and a 429 with a short Retry-After", async () => {
    const h = await Harness.start();
    const { alice, thread_id } = await h.pair();
    await h.admin.failRequests(2, 500);
    expect((await alice.sendText(thread_id, "through the 500s", { clientContext: "ctx-500" })).text).toBe("through the 500s");
    await h.admin.failRequests(1, 429, 1);
    const started = Date.now();
    expect((await alice.inbox()).inbox.threads).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await h.admin.items(thread_id)).toHaveLength(1);
  });

  it("gives up after its last attempt and reports the failure", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    await h.admin.failRequests(10, 500);
    await expect(alice.inbox()).rejects.toMatchObject({ status: 500, code: "internal_error", body: { status: "fail" } });
    await h.admin.clearFaults();
  });

  it("loses no account, thread, item, session or undelivered event across a restart", async () => {
    const h = await Harness.start();
    const { alice, bob, thread_id } = await h.pair();
    const bobEvents = await h.listen(bob);
    await alice.sendText(thread_id, "before");
    await bobEvents.until((e) => e.type === "item");
    await bobEvents.realtime.close();
    const position = bobEvents.realtime.seqId!;
    await alice.sendText(thread_id, "while bob was offline");
    await h.net.restart();
    await alice.sendText(thread_id, "after the restart");
    expect((await bob.currentUser()).username).toBe("bob");
    expect((await bob.thread(thread_id)).items.map((i) => i.text)).toEqual(["after the restart", "while bob was offline", "before"]);
    const resumed = await h.listen(bob, { seqId: position });
    const items = await resumed.until((e) => e.type === "item", 2);
    expect(items.map((e) => (e.type === "item" ? e.item.text : ""))).toEqual(["while bob was offline", "after the restart"]);
    const later = await alice.sendText(thread_id, "ids keep growing");
    expect(BigInt(later.item_id)).toBeGreaterThan(BigInt((await bob.thread(thread_id)).items[1]!.item_id));
  });

  it("answers bad requests with Instagram's error body and a stable error_type", async () => {
    const h = await Harness.start();
    const alice = await h.user("alice");
    const call = async (method: string, path: string, body?: string, token: string | null = alice.session.token) => {
      const response = await fetch(`${h.url}${path}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined ? { body } : {}),
      });
      const json = (await response.json()) as { status: string; error_type?: string; message: string };
      expect(json.status).toBe("fail");
      return [response.status, json.error_type];
    };
    const text = "/api/v1/direct_v2/threads/broadcast/text/";
    expect(await call("POST", text, "{oops")).toEqual([400, "malformed_json"]);
    expect(await call("POST", text, JSON.stringify({ thread_id: 5, text: ["x"] }))).toEqual([400, "invalid_argument"]);
    expect(await call("POST", text, JSON.stringify({ thread_id: "12", text: "x", client_context: "has spaces" }))).toEqual([400, "invalid_argument"]);
    expect(await call("GET", "/api/v1/direct_v2/threads/not-a-number/")).toEqual([400, "invalid_thread_id"]);
    expect(await call("POST", "/api/v1/direct_v2/threads/123/items/99999999999999999999/seen/", "{}")).toEqual([400, "invalid_item_id"]);
    expect(await call("GET", "/api/v1/direct_v2/inbox/", undefined, null)).toEqual([401, "login_required"]);
    expect(await call("GET", "/api/v1/direct_v2/inbox/", undefined, "IGT:2:forged")).toEqual([401, "login_required"]);
    expect(await call("GET", "/api/v1/direct_v2/inbox/", undefined, "not-an-ig-token")).toEqual([401, "login_required"]);
    expect(await call("GET", "/api/v1/nowhere/")).toEqual([404, "unknown_endpoint"]);
    expect(await call("POST", text, JSON.stringify({ text: "x".repeat(23 * 1024 * 1024) }))).toEqual([413, "payload_too_large"]);
    expect((await alice.currentUser()).username).toBe("alice");
  });
});
