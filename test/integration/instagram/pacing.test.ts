/**
 * Instagram limits how fast one account may send, and refuses past the limit ("Try Again
 * Later"). The bridge keeps to the limit itself, waits out a refusal when one comes anyway, and
 * never drops a message: what waits is queued durably, in order, and the sender is told once.
 */
import { describe, expect, it } from "@jest/globals";
import { createInstagramNetwork } from "../../../src/simnet/instagram/index.js";
import { waitForEvent } from "../../support/matrix-user.js";
import { BRIDGE_WAIT_MS, isNoticeFrom, timeline } from "../support/bridge.js";
import { aliceAndBob, bobWritesFirst } from "../conformance/bridge-login.js";
import { simulatedNetwork } from "../../support/people.js";

/** A limit low enough to reach in a test: a message every 3 s once the burst of 20 is spent. */
const SENDS_PER_MINUTE = 20;
const BURST = 26;
const WAITING = /asked to slow down: this is queued/;

async function scene(bridgeSendsPerMinute: number) {
  const network = await simulatedNetwork("instagram", createInstagramNetwork({ rateLimits: { sendsPerMinute: SENDS_PER_MINUTE } }));
  const s = await aliceAndBob(network, { logging: { level: "debug" }, networks: { instagram: { rate_limit: { sends_per_minute: bridgeSendsPerMinute } } } });
  const { bridge, alice, bob } = s;
  const { chat, roomId } = await bobWritesFirst(s, "go ahead");
  const expected = Array.from({ length: BURST }, (_, i) => `burst ${i + 1}`);
  return { bridge, alice, bob, chat, roomId, expected };
}

const refusalsIn = (logs: string[]) => logs.filter((line) => line.includes("Waiting before trying an event again") && line.includes("feedback_required")).length;
const pacedIn = (logs: string[]) => logs.filter((line) => line.includes("Waiting before trying an event again") && line.includes("keeps to instagram's limit")).length;

describe("Instagram rate limits", () => {
  it("paces a burst to the account's limit: every message arrives once and in order, Instagram never has to refuse, and the sender is told once", async () => {
    const s = await scene(SENDS_PER_MINUTE);
    for (const text of s.expected) await s.alice.client.sendTextMessage(s.roomId, text);
    await s.bob.waitFor((e) => e.kind === "message" && e.text === `burst ${BURST}`, "the last message of the burst", 60_000);

    const received = s.bob.events.filter((e) => e.kind === "message" && e.text?.startsWith("burst")).map((e) => e.text);
    expect(received).toEqual(s.expected);
    expect(pacedIn(s.bridge.logs)).toBeGreaterThan(0);
    expect(refusalsIn(s.bridge.logs)).toBe(0);
    const notices = timeline(s.alice.client, s.roomId).filter(isNoticeFrom(s.bridge.app.botUserId, s.roomId, WAITING));
    expect(notices).toHaveLength(1);
  }, 120_000);

  it("waits out Instagram's refusals when the bridge does not pace, and loses nothing across a restart while messages wait", async () => {
    const s = await scene(0);
    for (const text of s.expected) await s.alice.client.sendTextMessage(s.roomId, text);
    await waitForEvent(s.alice.client, isNoticeFrom(s.bridge.app.botUserId, s.roomId, WAITING), BRIDGE_WAIT_MS, "the notice that messages are queued");
    expect(refusalsIn(s.bridge.logs)).toBeGreaterThan(0);
    const before = s.bob.events.filter((e) => e.kind === "message" && e.text?.startsWith("burst")).length;
    expect(before).toBeLessThan(BURST);

    await s.bridge.restart();
    await s.bob.waitFor((e) => e.kind === "message" && e.text === `burst ${BURST}`, "the last message of the burst", 60_000);
    await s.bob.agent.send(s.chat.id, "all here?");
    await waitForEvent(s.alice.client, (e) => e.getRoomId() === s.roomId && e.getContent()["body"] === "all here?", BRIDGE_WAIT_MS, "Bob's question");

    const received = s.bob.events.filter((e) => e.kind === "message" && e.text?.startsWith("burst")).map((e) => e.text);
    expect(received).toEqual(s.expected);
    // The notice covered everything queued when it was sent, so the restart does not repeat it.
    expect(timeline(s.alice.client, s.roomId).filter(isNoticeFrom(s.bridge.app.botUserId, s.roomId, WAITING))).toHaveLength(1);
  }, 120_000);
});
