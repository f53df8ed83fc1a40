import { describe, expect, it } from "@jest/globals";
import { parseCommandLine } from "../../../src/matrix/bot/command-line.js";

describe("parsing a command line typed in the management room", () => {
  it("splits the command name from its arguments on white space", () => {
    expect(parseCommandLine("start-chat whatsapp +15551234567")).toEqual({
      name: "start-chat",
      args: ["whatsapp", "+15551234567"],
    });
  });

  it("lower-cases the command name but not the arguments", () => {
    expect(parseCommandLine("HELP Me")).toEqual({ name: "help", args: ["Me"] });
  });

  it("keeps quoted words together and drops the quotes", () => {
    expect(parseCommandLine(`login "two words" 'single quoted'`)).toEqual({
      name: "login",
      args: ["two words", "single quoted"],
    });
  });

  it("keeps an empty quoted argument", () => {
    expect(parseCommandLine(`set ""`)).toEqual({ name: "set", args: [""] });
  });

  it("treats a backslash as escaping the next character", () => {
    expect(parseCommandLine(`say it\\'s\\ fine`)).toEqual({ name: "say", args: ["it's fine"] });
  });

  it("ignores leading, trailing and repeated white space, including newlines", () => {
    expect(parseCommandLine("  \n version \t  ")).toEqual({ name: "version", args: [] });
  });

  it("returns nothing for an empty or blank message", () => {
    expect(parseCommandLine("")).toBeUndefined();
    expect(parseCommandLine("   \n")).toBeUndefined();
  });

  it("reads an unterminated quote to the end of the line", () => {
    expect(parseCommandLine(`echo "open ended`)).toEqual({ name: "echo", args: ["open ended"] });
  });
});
