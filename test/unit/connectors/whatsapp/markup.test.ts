import { describe, expect, it } from "@jest/globals";
import { fromWhatsapp, toWhatsapp } from "../../../../src/connectors/whatsapp/markup.js";
import type { FormattedText, TextEntity } from "../../../../src/network/index.js";

const ALICE = "15551234567@s.whatsapp.net";
const BOB = "15557654321@s.whatsapp.net";
const ft = (text: string, ...entities: TextEntity[]): FormattedText => ({ text, entities });
const span = (type: "bold" | "italic" | "strikethrough" | "code" | "pre" | "blockquote", offset: number, length: number): TextEntity => ({ type, offset, length });

describe("whatsapp markup to formatted text", () => {
  it("turns each inline style into an entity over the text without its markers", () => {
    expect(fromWhatsapp("*bold* _italic_ ~strike~ `code`")).toEqual(
      ft("bold italic strike code", span("bold", 0, 4), span("italic", 5, 6), span("strikethrough", 12, 6), span("code", 19, 4)),
    );
  });

  it("nests styles with the outer one first", () => {
    expect(fromWhatsapp("*_both_* and *bold _inner_ end*")).toEqual(
      ft("both and bold inner end", span("bold", 0, 4), span("italic", 0, 4), span("bold", 9, 14), span("italic", 14, 5)),
    );
  });

  it("leaves markers that do not hug a word as text", () => {
    expect(fromWhatsapp("2 * 3 * 4")).toEqual(ft("2 * 3 * 4"));
    expect(fromWhatsapp("snake_case_name")).toEqual(ft("snake_case_name"));
    expect(fromWhatsapp("*open only")).toEqual(ft("*open only"));
  });

  it("reads a ```fenced``` span inside a line as code", () => {
    expect(fromWhatsapp("run ```npm test``` now, *then* ```ship```")).toEqual(
      ft("run npm test now, then ship", span("code", 4, 8), span("bold", 18, 4), span("code", 23, 4)),
    );
  });

  it("makes a code block a pre entity, without the newlines that only lay out its fences", () => {
    expect(fromWhatsapp("look:\n```\nconst a = 1;\nconst b = *2*;\n```\ndone")).toEqual(
      ft("look:\nconst a = 1;\nconst b = *2*;\ndone", span("pre", 6, 27)),
    );
    expect(fromWhatsapp("```mono```")).toEqual(ft("mono", span("pre", 0, 4)));
  });

  it("removes the '> ' of quote lines and makes consecutive ones a single block quote", () => {
    expect(fromWhatsapp("> wise *words*\n> more\nmine\n>again")).toEqual(
      ft("wise words\nmore\nmine\nagain", span("blockquote", 0, 15), span("bold", 5, 5), span("blockquote", 21, 5)),
    );
  });

  it("keeps lists as text, with bullets drawn as •", () => {
    expect(fromWhatsapp("- one\n* _two_\n• three\n1. first\n12. twelfth")).toEqual(
      ft("• one\n• two\n• three\n1. first\n12. twelfth", span("italic", 8, 3)),
    );
  });

  it("makes @number a mention of the JID only when the message lists it", () => {
    expect(fromWhatsapp("hi @15551234567 and @15557654321", [ALICE])).toEqual(
      ft("hi @15551234567 and @15557654321", { type: "mention", offset: 3, length: 12, user: ALICE }),
    );
    expect(fromWhatsapp("hi @15551234567")).toEqual(ft("hi @15551234567"));
    expect(fromWhatsapp("*@15551234567*", [ALICE])).toEqual(ft("@15551234567", span("bold", 0, 12), { type: "mention", offset: 0, length: 12, user: ALICE }));
  });

  it("counts offsets in UTF-16 code units, so emoji take two", () => {
    expect(fromWhatsapp("👍🏽 *ok* 🎉 _yes_")).toEqual(ft("👍🏽 ok 🎉 yes", span("bold", 5, 2), span("italic", 11, 3)));
  });

  it("reads plain text as it is", () => {
    expect(fromWhatsapp("")).toEqual(ft(""));
    expect(fromWhatsapp("just words\n\nand a blank line")).toEqual(ft("just words\n\nand a blank line"));
  });
});

describe("formatted text to whatsapp markup", () => {
  it("writes each style's markers", () => {
    expect(toWhatsapp(ft("bold italic strike code", span("bold", 0, 4), span("italic", 5, 6), span("strikethrough", 12, 6), span("code", 19, 4)))).toEqual({
      text: "*bold* _italic_ ~strike~ `code`",
      mentions: [],
    });
  });

  it("writes nested styles inside each other", () => {
    expect(toWhatsapp(ft("bold inner end", span("bold", 0, 14), span("italic", 5, 5))).text).toBe("*bold _inner_ end*");
    expect(toWhatsapp(ft("both", span("bold", 0, 4), span("italic", 0, 4))).text).toBe("*_both_*");
  });

  it("moves whitespace at the edges of a style outside its markers", () => {
    expect(toWhatsapp(ft("say  loud  now", span("bold", 3, 7))).text).toBe("say  *loud*  now");
    expect(toWhatsapp(ft("a   b", span("italic", 1, 3))).text).toBe("a   b");
  });

  it("marks a style that spans lines on each line", () => {
    expect(toWhatsapp(ft("one\ntwo\n\nthree", span("bold", 0, 14))).text).toBe("*one*\n*two*\n\n*three*");
  });

  it("sends a style that starts or ends inside a word as plain text", () => {
    expect(toWhatsapp(ft("unbelievable", span("bold", 2, 6))).text).toBe("unbelievable");
    expect(toWhatsapp(ft("un-believable!", span("bold", 3, 10))).text).toBe("un-*believable*!");
  });

  it("does not nest a style inside itself", () => {
    expect(toWhatsapp(ft("a b c", span("bold", 0, 5), span("bold", 2, 1))).text).toBe("*a b c*");
  });

  it("writes code blocks on lines of their own", () => {
    expect(toWhatsapp(ft("see\nx = 1\ny = 2\nok", span("pre", 4, 11))).text).toBe("see\n```x = 1\ny = 2```\nok");
    expect(toWhatsapp(ft("see x = 1 ok", span("pre", 4, 5))).text).toBe("see \n```x = 1```\n ok");
    expect(toWhatsapp(ft("a *b*", span("pre", 0, 5), span("bold", 3, 1))).text).toBe("```a *b*```");
  });

  it("keeps code that holds a backtick as text", () => {
    expect(toWhatsapp(ft("use ` here", span("code", 0, 10))).text).toBe("use ` here");
  });

  it("prefixes every line of a block quote with '> ', on lines of its own", () => {
    expect(toWhatsapp(ft("wise words\nmore\nmine", span("blockquote", 0, 15), span("bold", 5, 5))).text).toBe("> wise *words*\n> more\nmine");
    expect(toWhatsapp(ft("he said quoted then", span("blockquote", 8, 6))).text).toBe("he said \n> quoted\n then");
    expect(toWhatsapp(ft("quoted\n\nafter", span("blockquote", 0, 7))).text).toBe("> quoted\n\nafter");
  });

  it("writes a link's address after its text, unless the text is the address", () => {
    expect(toWhatsapp(ft("the docs here", { type: "link", offset: 4, length: 4, url: "https://example.org/docs" })).text).toBe("the docs (https://example.org/docs) here");
    expect(toWhatsapp(ft("see https://example.org", { type: "link", offset: 4, length: 19, url: "https://example.org" })).text).toBe("see https://example.org");
    expect(toWhatsapp(ft("mail a@b.example", { type: "link", offset: 5, length: 11, url: "mailto:a@b.example" })).text).toBe("mail a@b.example");
    expect(toWhatsapp(ft("the docs", { type: "link", offset: 4, length: 4, url: "https://x.example" }, span("bold", 4, 4))).text).toBe("the *docs* (https://x.example)");
  });

  it("writes mentions as @number, listing each JID once", () => {
    expect(
      toWhatsapp(
        ft(
          "Alice, Bob and Alice",
          { type: "mention", offset: 0, length: 5, user: ALICE },
          { type: "mention", offset: 7, length: 3, user: BOB },
          { type: "mention", offset: 15, length: 5, user: ALICE },
        ),
      ),
    ).toEqual({ text: "@15551234567, @15557654321 and @15551234567", mentions: [ALICE, BOB] });
  });

  it("sends a mention of someone not on WhatsApp as its text", () => {
    expect(toWhatsapp(ft("hi Carol", { type: "mention", offset: 3, length: 5, user: "@carol:matrix.example" }))).toEqual({ text: "hi Carol", mentions: [] });
  });

  it("sends entities it cannot place as plain text: crossing, empty or out of range", () => {
    expect(toWhatsapp(ft("ab cd ef", span("bold", 0, 5), span("italic", 3, 5))).text).toBe("*ab cd* ef");
    expect(toWhatsapp(ft("abc", span("bold", 1, 0), span("italic", 2, 9))).text).toBe("abc");
    expect(toWhatsapp(ft("abc", span("bold", 7, 2))).text).toBe("abc");
  });

  it("counts offsets in UTF-16 code units, so emoji take two", () => {
    expect(toWhatsapp(ft("👍🏽 ok 🎉 yes", span("bold", 5, 2), span("italic", 11, 3))).text).toBe("👍🏽 *ok* 🎉 _yes_");
    expect(toWhatsapp(ft("🎉🎉", span("bold", 0, 4))).text).toBe("*🎉🎉*");
  });
});

describe("markup round trips", () => {
  it.each([
    "*bold* _italic_ ~strike~ `code`",
    "*bold _inner_ end* and *_both_*",
    "> wise *words*\n> more\nmine",
    "• one\n• two\n1. first",
    "look:\n```const a = 1;\nconst b = 2;```\ndone",
    "hi @15551234567, see `x` 👍🏽",
    "2 * 3 * 4 and snake_case_name",
  ])("reads and writes %j back unchanged", (markup) => {
    const mentions = [ALICE];
    expect(toWhatsapp(fromWhatsapp(markup, mentions))).toEqual({ text: markup, mentions: markup.includes("@15551234567") ? mentions : [] });
  });

  it.each<[string, FormattedText]>([
    ["styles", ft("bold italic strike code", span("bold", 0, 4), span("italic", 5, 6), span("strikethrough", 12, 6), span("code", 19, 4))],
    ["nesting", ft("bold inner end", span("bold", 0, 14), span("italic", 5, 5))],
    ["a quote", ft("wise words\nmore\nmine", span("blockquote", 0, 15), span("bold", 5, 5))],
    ["a code block", ft("see\nx = 1\ny = 2\nok", span("pre", 4, 11))],
    ["a mention", ft("hi @15551234567!", { type: "mention", offset: 3, length: 12, user: ALICE })],
    ["emoji", ft("👍🏽 ok 🎉 yes", span("bold", 5, 2), span("italic", 11, 3))],
  ])("writes and reads %s back unchanged", (_name, formatted) => {
    const written = toWhatsapp(formatted);
    expect(fromWhatsapp(written.text, written.mentions)).toEqual(formatted);
  });
});
