import { describe, expect, it } from "@jest/globals";
import { SavedMark } from "../../../src/connectors/common/saved-mark.js";

const later = (a: number, b: number) => a > b;

describe("the mark of what was handed over, kept with the login", () => {
  it("is saved at once, then at most every 30 seconds, and on flush only when it moved", () => {
    let now = 1_000_000;
    const saved: number[] = [];
    const mark = new SavedMark<number>(undefined, (value: number) => saved.push(value), later, () => now);
    mark.note(10);
    mark.note(20);
    now += 29_999;
    mark.note(30);
    expect(saved).toEqual([10]);
    now += 1;
    mark.note(25);
    expect(saved).toEqual([10, 30]);
    expect(mark.current).toBe(30);
    mark.flush();
    expect(saved).toEqual([10, 30]);
    mark.note(40);
    mark.flush();
    expect(saved).toEqual([10, 30, 40]);
  });

  it("starts from the stored mark and does not save it again", () => {
    const saved: number[] = [];
    const mark = new SavedMark<number>(500, (value: number) => saved.push(value), later);
    mark.flush();
    mark.note(400);
    expect(saved).toEqual([]);
    expect(mark.current).toBe(500);
  });
});
