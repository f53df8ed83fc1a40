import { describe, expect, it } from "@jest/globals";
import { EditRetries } from "../../../../src/connectors/common/edit-retries.js";

describe("EditRetries", () => {
  it("knows a key tried before, and only that one", () => {
    const retries = new EditRetries();
    expect(retries.triedBefore("a")).toBe(false);
    expect(retries.triedBefore("a")).toBe(true);
    expect(retries.triedBefore("b")).toBe(false);
  });

  it("remembers a bounded number of keys, forgetting the oldest first", () => {
    const retries = new EditRetries(2);
    retries.triedBefore("a");
    retries.triedBefore("b");
    retries.triedBefore("c");
    expect(retries.triedBefore("b")).toBe(true);
    expect(retries.triedBefore("c")).toBe(true);
    expect(retries.triedBefore("a")).toBe(false);
  });
});
