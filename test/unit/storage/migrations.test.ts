import { describe, expect, it } from "@jest/globals";
import { MIGRATIONS, assertContiguous, type Migration } from "../../../src/storage/migrations/index.js";

const step = (version: number): Migration => ({ version, name: `step-${version}`, up: () => {} });

describe("migration list", () => {
  it("ships migrations numbered contiguously from 1", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it("accepts an empty or contiguous list", () => {
    expect(assertContiguous([])).toEqual([]);
    expect(assertContiguous([step(1), step(2), step(3)])).toHaveLength(3);
  });

  it.each([
    ["a gap", [step(1), step(3)], /position 2 holds version 3 \(step-3\)/],
    ["a duplicate", [step(1), step(1)], /position 2 holds version 1/],
    ["a list not starting at 1", [step(2)], /position 1 holds version 2/],
    ["an out-of-order list", [step(2), step(1)], /position 1 holds version 2/],
  ])("rejects %s", (_label, list, message) => {
    expect(() => assertContiguous(list)).toThrow(message);
  });
});
