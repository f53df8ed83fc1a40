import { describe, expect, it } from "@jest/globals";
import { formattedToMatrix, matrixToFormatted } from "../../../../src/matrix/format/index.js";
import type { TextEntity } from "../../../../src/network/formatted-text.js";
import { html, mentions } from "./helpers.js";

// Generous bounds: the point is linear time (these take tens of milliseconds), not a benchmark.
const QUICK_MS = 3000;

const timed = <T>(work: () => T): { result: T; ms: number } => {
  const start = performance.now();
  const result = work();
  return { result, ms: performance.now() - start };
};

describe("huge and hostile inputs", () => {
  it("handles 100,000 nested unclosed tags quickly, styling only the first levels", () => {
    const { result, ms } = timed(() => matrixToFormatted(html("<b><i>".repeat(50_000) + "deep"), mentions));
    expect(ms).toBeLessThan(QUICK_MS);
    expect(result.text).toBe("deep");
    expect(result.entities.length).toBeLessThanOrEqual(100);
    expect(result.entities.length).toBeGreaterThan(0);
  });

  it("handles 100,000 nested closed tags followed by 100,000 stray end tags quickly", () => {
    const body = "<span>".repeat(100_000) + "x" + "</span>".repeat(100_000) + "</i>".repeat(100_000) + "<b>after</b>";
    const { result, ms } = timed(() => matrixToFormatted(html(body), mentions));
    expect(ms).toBeLessThan(QUICK_MS);
    expect(result).toEqual({ text: "xafter", entities: [{ type: "bold", offset: 1, length: 5 }] });
  });

  it("handles a megabyte of mixed nested tags quickly", () => {
    const body = '<blockquote><ul><li><a href="https://x.example">l</a><pre>'.repeat(20_000);
    expect(body.length).toBeGreaterThan(1_000_000);
    const { result, ms } = timed(() => matrixToFormatted(html(body), mentions));
    expect(ms).toBeLessThan(QUICK_MS);
    expect(result.text.length).toBeGreaterThan(0);
  });

  it("handles a megabyte of flat formatting quickly", () => {
    const body = "<b>bold</b> <i>it</i> <br>".repeat(40_000);
    expect(body.length).toBeGreaterThan(1_000_000);
    const { result, ms } = timed(() => matrixToFormatted(html(body), mentions));
    expect(ms).toBeLessThan(QUICK_MS);
    expect(result.entities).toHaveLength(80_000);
  });

  it("drops everything inside deeply nested dropped content", () => {
    const body = "<mx-reply>" + "<div>".repeat(200_000) + "secret" + "</mx-reply>visible";
    const { result, ms } = timed(() => matrixToFormatted(html(body), mentions));
    expect(ms).toBeLessThan(QUICK_MS);
    expect(result).toEqual({ text: "visible", entities: [] });
  });

  it("renders 100,000 nested entities and a megabyte of text to HTML quickly", () => {
    const text = "x".repeat(1_000_000);
    const entities: TextEntity[] = Array.from({ length: 100_000 }, (_, i) => ({ type: i % 2 ? "bold" : "italic", offset: i, length: text.length - 2 * i }));
    const { result, ms } = timed(() => formattedToMatrix({ text, entities }, mentions));
    expect(ms).toBeLessThan(QUICK_MS);
    expect(result.formatted_body?.startsWith("<em>x<strong>x<em>x")).toBe(true);
    expect(result.formatted_body?.match(/<strong>/g)).toHaveLength(50_000);
  });
});
