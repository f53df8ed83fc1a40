import { describe, expect, it } from "@jest/globals";
import type { FormattedText } from "../../../../src/network/formatted-text.js";
import { formattedToMatrix, matrixToFormatted } from "../../../../src/matrix/format/index.js";
import { mentions } from "./helpers.js";

const roundTrip = (formatted: FormattedText) => matrixToFormatted(formattedToMatrix(formatted, mentions), mentions);

const CASES: [string, FormattedText][] = [
  ["plain text", { text: "hello world", entities: [] }],
  ["text with HTML special characters", { text: "a < b && c > \"d\" 'e'", entities: [{ type: "bold", offset: 0, length: 1 }] }],
  [
    "nested styles",
    {
      text: "bold italic struck code",
      entities: [
        { type: "bold", offset: 0, length: 11 },
        { type: "italic", offset: 5, length: 6 },
        { type: "strikethrough", offset: 12, length: 6 },
        { type: "code", offset: 19, length: 4 },
      ],
    },
  ],
  [
    "styles covering the same text",
    {
      text: "x",
      entities: [
        { type: "bold", offset: 0, length: 1 },
        { type: "italic", offset: 0, length: 1 },
        { type: "strikethrough", offset: 0, length: 1 },
      ],
    },
  ],
  ["several lines", { text: "one\ntwo\n\nfour", entities: [{ type: "italic", offset: 4, length: 3 }] }],
  [
    "a link and a mention",
    {
      text: "Alice, see https://example.org/x?a=1&b=2",
      entities: [
        { type: "mention", offset: 0, length: 5, user: "alice-remote" },
        { type: "link", offset: 11, length: 29, url: "https://example.org/x?a=1&b=2" },
      ],
    },
  ],
  [
    "a quote between lines",
    {
      text: "she said\nbe bold\nand left\n\nthe end",
      entities: [
        { type: "blockquote", offset: 9, length: 7 },
        { type: "bold", offset: 12, length: 4 },
      ],
    },
  ],
  [
    "a code block with a language",
    {
      text: "look:\nif (a < b) {\n  go();\n}\ndone",
      entities: [{ type: "pre", offset: 6, length: 22, language: "js" }],
    },
  ],
  ["emoji before and inside entities", { text: "😀 *x* 👍🏽 🎉", entities: [{ type: "bold", offset: 3, length: 3 }, { type: "italic", offset: 7, length: 4 }] }],
  ["a mention after astral characters", { text: "𝒳𝒴 Alice", entities: [{ type: "mention", offset: 5, length: 5, user: "alice-remote" }] }],
];

describe("round trip neutral -> Matrix HTML -> neutral", () => {
  it.each(CASES)("gives back the same FormattedText for %s", (_name, formatted) => {
    expect(roundTrip(formatted)).toEqual(formatted);
  });
});
