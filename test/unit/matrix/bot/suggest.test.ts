import { describe, expect, it } from "@jest/globals";
import { nearestCommand } from "../../../../src/matrix/bot/suggest.js";

const COMMANDS = ["help", "login", "logout", "list-logins", "ping", "sync", "start-chat", "cancel", "version"];

describe("nearestCommand", () => {
  it("finds the command a typo meant: a swap, a missing or an extra letter", () => {
    expect(nearestCommand("lgoin", COMMANDS)).toBe("login");
    expect(nearestCommand("pin", COMMANDS)).toBe("ping");
    expect(nearestCommand("startchat", COMMANDS)).toBe("start-chat");
    expect(nearestCommand("list-login", COMMANDS)).toBe("list-logins");
    expect(nearestCommand("HELP", COMMANDS)).toBe("help");
  });

  it("suggests nothing for a word far from every command, such as a password", () => {
    expect(nearestCommand("frobnicate", COMMANDS)).toBeUndefined();
    expect(nearestCommand("hunter2!x", COMMANDS)).toBeUndefined();
    expect(nearestCommand("x".repeat(10_000), COMMANDS)).toBeUndefined();
  });

  it("does not turn a one- or two-letter word into a command", () => {
    expect(nearestCommand("a", COMMANDS)).toBeUndefined();
    expect(nearestCommand("hi", COMMANDS)).toBeUndefined();
  });

  it("prefers the closest command", () => {
    expect(nearestCommand("logot", COMMANDS)).toBe("logout");
  });
});
