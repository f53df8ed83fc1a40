import { describe, expect, it } from "@jest/globals";
import { parseInline, parseMarkup } from "../../../src/simnet/whatsapp/client/markup.js";
import { describeContent, mentionsIn } from "../../../src/simnet/whatsapp/client/content.js";

describe("whatsapp markup", () => {
  it("parses bold, italic, strike-through, inline code and nesting", () => {
    expect(parseInline("*bold* _it_ ~gone~ `x = 1` *_both_*")).toEqual([
      { kind: "bold", children: [{ kind: "text", text: "bold" }] },
      { kind: "text", text: " " },
      { kind: "italic", children: [{ kind: "text", text: "it" }] },
      { kind: "text", text: " " },
      { kind: "strike", children: [{ kind: "text", text: "gone" }] },
      { kind: "text", text: " " },
      { kind: "code", text: "x = 1" },
      { kind: "text", text: " " },
      { kind: "bold", children: [{ kind: "italic", children: [{ kind: "text", text: "both" }] }] },
    ]);
  });

  it("leaves markers that do not hug a word as text, as WhatsApp does", () => {
    expect(parseInline("2 * 3 * 4")).toEqual([{ kind: "text", text: "2 * 3 * 4" }]);
    expect(parseInline("snake_case_name")).toEqual([{ kind: "text", text: "snake_case_name" }]);
    expect(parseInline("*open only")).toEqual([{ kind: "text", text: "*open only" }]);
  });

  it("parses quotes, bullet and numbered lists, monospace blocks and mentions", () => {
    expect(parseMarkup("> wise words\n- one\n* two\n1. first\n```\nconst a = 1;\n```\nhi @15551234567")).toEqual([
      { kind: "quote", children: [{ kind: "text", text: "wise words" }] },
      { kind: "bullet", children: [{ kind: "text", text: "one" }] },
      { kind: "bullet", children: [{ kind: "text", text: "two" }] },
      { kind: "numbered", number: 1, children: [{ kind: "text", text: "first" }] },
      { kind: "codeblock", text: "\nconst a = 1;\n" },
      { kind: "paragraph", children: [{ kind: "text", text: "hi " }, { kind: "mention", phone: "15551234567" }] },
    ]);
    expect(parseMarkup("```mono```")).toEqual([{ kind: "codeblock", text: "mono" }]);
  });

  it("lists @number mentions as JIDs once each, ignoring e-mail addresses", () => {
    expect(mentionsIn("@15551234567 and @15557654321, again @15551234567, mail a@15550000000")).toEqual([
      "15551234567@s.whatsapp.net",
      "15557654321@s.whatsapp.net",
    ]);
  });

  it("describes non-text content in one line", () => {
    expect(describeContent({ type: "location", latitude: 1, longitude: 2, name: "Cafe" })).toBe("[location: Cafe 1,2]");
    expect(describeContent({ type: "contact", display_name: "Carol", vcard: "" })).toBe("[contact: Carol]");
  });
});
