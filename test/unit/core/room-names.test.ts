import { describe, expect, it } from "@jest/globals";
import { groupNameFrom, roomNameFor } from "../../../src/core/room-names.js";

describe("group room names", () => {
  it("puts the group's name through the template", () => {
    expect(roomNameFor("{{name}}", "Climbing")).toBe("Climbing");
    expect(roomNameFor("{{name}} (WhatsApp)", "Climbing")).toBe("Climbing (WhatsApp)");
    expect(roomNameFor("[wa] {{name}}", "Climbing")).toBe("[wa] Climbing");
  });

  it("takes the template's additions off a room name a Matrix user set, and keeps a name without them", () => {
    expect(groupNameFrom("{{name}} (WhatsApp)", "Bouldering (WhatsApp)")).toBe("Bouldering");
    expect(groupNameFrom("{{name}} (WhatsApp)", "Bouldering")).toBe("Bouldering");
    expect(groupNameFrom("[wa] {{name}}", "[wa] x")).toBe("x");
    expect(groupNameFrom("{{name}}", "anything")).toBe("anything");
  });
});
