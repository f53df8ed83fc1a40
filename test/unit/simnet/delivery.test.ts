import { describe, expect, it } from "@jest/globals";
import { openSimnetDatabase } from "../../../src/simnet/core/database.js";
import { StreamPump } from "../../../src/simnet/core/delivery.js";
import { eventStreamSchema, EventStreams, type StreamEvent } from "../../../src/simnet/core/event-stream.js";
import { Faults } from "../../../src/simnet/core/faults.js";

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

function setup() {
  const streams = new EventStreams(openSimnetDatabase(":memory:", [eventStreamSchema]), { maxEventsPerStream: 1000, maxAgeMs: 1e9 });
  const faults = new Faults();
  const sent: number[] = [];
  const pump = (after: number, send: (event: StreamEvent) => void = (event) => sent.push(event.seq), onError?: (error: unknown) => void) =>
    new StreamPump({ streams, faults, stream: "s", after, send, onGap: () => {}, ...(onError ? { onError } : {}) });
  return { streams, faults, sent, pump };
}

describe("delivering a stream to one connection", () => {
  it("sends the backlog after the position and then live events, each once and in order", async () => {
    const { streams, sent, pump } = setup();
    for (let i = 0; i < 5; i++) streams.append("s", "m", { i });
    const p = pump(2);
    p.start();
    await settle();
    streams.append("s", "m", {});
    streams.transaction(() => {
      streams.append("s", "m", {});
      streams.append("s", "m", {});
    });
    await settle();
    expect(sent).toEqual([3, 4, 5, 6, 7, 8]);
    expect(p.position).toBe(8);
    p.stop();
  });

  it("keeps order when live events arrive while an injected delay holds the backlog back", async () => {
    const { streams, faults, sent, pump } = setup();
    streams.append("s", "m", {});
    faults.deliveryDelayMs = 5;
    const p = pump(0);
    p.start();
    streams.append("s", "m", {});
    faults.deliveryDelayMs = 0;
    streams.append("s", "m", {});
    await settle();
    expect(sent).toEqual([1, 2, 3]);
    p.stop();
  });

  it("sends an event twice when a duplicate delivery is injected", async () => {
    const { streams, faults, sent, pump } = setup();
    const p = pump(0);
    p.start();
    await settle();
    faults.duplicateNext(1);
    streams.append("s", "m", {});
    streams.append("s", "m", {});
    expect(sent).toEqual([1, 1, 2]);
    p.stop();
  });

  it("stops and reports when sending fails, without failing whoever appended the event", async () => {
    const { streams, pump } = setup();
    const errors: unknown[] = [];
    const p = pump(0, () => {
      throw new Error("socket gone");
    }, (error) => errors.push(error));
    p.start();
    await settle();
    expect(() => streams.append("s", "m", {})).not.toThrow();
    expect(errors).toHaveLength(1);
    streams.append("s", "m", {});
    expect(errors).toHaveLength(1);
  });
});
