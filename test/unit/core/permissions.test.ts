import { describe, expect, it } from "@jest/globals";
import { hasPermission, permissionLevelOf, serverNameOf } from "../../../src/core/permissions.js";

const rules = {
  "*": "relay",
  "example.org": "user",
  "@boss:example.org": "admin",
  "@troll:example.org": "block",
  "evil.example": "block",
} as const;

describe("permission rules", () => {
  it("prefers a rule for the user id over one for their server", () => {
    expect(permissionLevelOf("@boss:example.org", rules)).toBe("admin");
    expect(permissionLevelOf("@troll:example.org", rules)).toBe("block");
  });

  it("applies a server's rule to every user of that server", () => {
    expect(permissionLevelOf("@alice:example.org", rules)).toBe("user");
    expect(permissionLevelOf("@eve:evil.example", rules)).toBe("block");
  });

  it("falls back to '*' for users no other rule mentions", () => {
    expect(permissionLevelOf("@carol:elsewhere.net", rules)).toBe("relay");
  });

  it("blocks everyone when no rule matches and there is no '*'", () => {
    expect(permissionLevelOf("@carol:elsewhere.net", { "example.org": "admin" })).toBe("block");
  });

  it("matches a server name that carries a port", () => {
    expect(serverNameOf("@dev:localhost:8448")).toBe("localhost:8448");
    expect(permissionLevelOf("@dev:localhost:8448", { "localhost:8448": "admin" })).toBe("admin");
  });

  it("orders levels block < relay < user < admin", () => {
    expect(hasPermission("@boss:example.org", rules, "user")).toBe(true);
    expect(hasPermission("@alice:example.org", rules, "user")).toBe(true);
    expect(hasPermission("@alice:example.org", rules, "admin")).toBe(false);
    expect(hasPermission("@carol:elsewhere.net", rules, "relay")).toBe(true);
    expect(hasPermission("@carol:elsewhere.net", rules, "user")).toBe(false);
    expect(hasPermission("@troll:example.org", rules, "relay")).toBe(false);
  });
});
