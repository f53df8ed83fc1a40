import { describe, expect, it } from "@jest/globals";
import type { StyleEntityType, TextEntity } from "../../../../src/network/formatted-text.js";
import { formattedToMatrix } from "../../../../src/matrix/format/index.js";
import { mentions } from "./helpers.js";

const render = (text: string, entities: TextEntity[]) => formattedToMatrix({ text, entities }, mentions);
const htmlOf = (text: string, entities: TextEntity[]) => render(text, entities).formatted_body;

describe("formattedToMatrix: plain text", () => {
  it("returns only the body when there are no entities", () => {
    expect(render("just <text> & a\nnewline", [])).toEqual({ body: "just <text> & a\nnewline" });
  });

  it("returns only the body when every entity is dropped", () => {
    expect(
      render("Carol and evil", [
        { type: "mention", offset: 0, length: 5, user: "carol-remote" },
        { type: "link", offset: 10, length: 4, url: "javascript:alert(1)" },
      ]),
    ).toEqual({ body: "Carol and evil" });
  });
});

describe("formattedToMatrix: styles", () => {
  it.each([
    ["bold", "<strong>b</strong>"],
    ["italic", "<em>b</em>"],
    ["strikethrough", "<del>b</del>"],
    ["code", "<code>b</code>"],
    ["blockquote", "<blockquote>b</blockquote>"],
  ] satisfies [StyleEntityType, string][])("renders a %s entity as %s", (type, expected) => {
    expect(render("abc", [{ type, offset: 1, length: 1 }])).toEqual({
      body: "abc",
      format: "org.matrix.custom.html",
      formatted_body: `a${expected}c`,
    });
  });

  it("renders a pre entity as <pre><code> with the language class and raw newlines", () => {
    expect(htmlOf("x = 1\ny < 2", [{ type: "pre", offset: 0, length: 11, language: "py" }])).toBe(
      '<pre><code class="language-py">x = 1\ny &lt; 2</code></pre>',
    );
    expect(htmlOf("code", [{ type: "pre", offset: 0, length: 4 }])).toBe("<pre><code>code</code></pre>");
  });

  it("escapes the language of a code block", () => {
    expect(htmlOf("c", [{ type: "pre", offset: 0, length: 1, language: 'x"><script>' }])).toBe(
      '<pre><code class="language-x&quot;&gt;&lt;script&gt;">c</code></pre>',
    );
  });

  it("nests entities, outer first, and escapes the text", () => {
    expect(
      htmlOf("bold <both> & more", [
        { type: "italic", offset: 5, length: 6 },
        { type: "bold", offset: 0, length: 11 },
      ]),
    ).toBe("<strong>bold <em>&lt;both&gt;</em></strong> &amp; more");
  });

  it("renders newlines as <br> outside code blocks", () => {
    expect(htmlOf("a\nb\n\nc", [{ type: "bold", offset: 0, length: 1 }])).toBe("<strong>a</strong><br>b<br><br>c");
  });

  it("lets a block stand for the newline that follows it", () => {
    expect(htmlOf("a\nquote\nb\n\nc", [{ type: "blockquote", offset: 2, length: 5 }])).toBe("a<br><blockquote>quote</blockquote>b<br><br>c");
  });

  it("does not nest a code entity inside a code block", () => {
    expect(
      htmlOf("let x", [
        { type: "pre", offset: 0, length: 5 },
        { type: "code", offset: 0, length: 3 },
      ]),
    ).toBe("<pre><code>let x</code></pre>");
  });
});

describe("formattedToMatrix: links", () => {
  it.each(["https://example.org/?a=1&b=2", "http://example.org", "mailto:a@example.org"])("links the safe url %s", (url) => {
    expect(htmlOf("see this", [{ type: "link", offset: 4, length: 4, url }])).toBe(`see <a href="${url.replace(/&/g, "&amp;")}">this</a>`);
  });

  it.each(["javascript:alert(1)", "data:text/html,x", "relative/path", "vbscript:x"])("leaves the text of a link to %s unlinked", (url) => {
    expect(render("see this", [{ type: "link", offset: 4, length: 4, url }])).toEqual({ body: "see this" });
  });

  it("escapes quotes in a url", () => {
    expect(htmlOf("x", [{ type: "link", offset: 0, length: 1, url: 'https://e.example/"onmouseover="x' }])).toBe(
      '<a href="https://e.example/&quot;onmouseover=&quot;x">x</a>',
    );
  });
});

describe("formattedToMatrix: mentions", () => {
  it("renders a mention as a matrix.to pill with the display name and lists the user in m.mentions", () => {
    expect(render("hi Alice!", [{ type: "mention", offset: 3, length: 5, user: "alice-remote" }])).toEqual({
      body: "hi Alice!",
      format: "org.matrix.custom.html",
      formatted_body: 'hi <a href="https://matrix.to/#/%40alice%3Ahs">Alice</a>!',
      "m.mentions": { user_ids: ["@alice:hs"] },
    });
  });

  it("escapes the display name, uses it in place of the text in HTML and keeps the text in body", () => {
    const content = render("@bob hello", [{ type: "mention", offset: 0, length: 4, user: "bob-remote" }]);
    expect(content.body).toBe("@bob hello");
    expect(content.formatted_body).toBe('<a href="https://matrix.to/#/%40bob%3Aexample.org">Bob &lt;B&amp;B&gt;</a> hello');
  });

  it("lists each mentioned user once, in order", () => {
    const content = render("Bob Alice Bob", [
      { type: "mention", offset: 0, length: 3, user: "bob-remote" },
      { type: "mention", offset: 4, length: 5, user: "alice-remote" },
      { type: "mention", offset: 10, length: 3, user: "bob-remote" },
    ]);
    expect(content["m.mentions"]).toEqual({ user_ids: ["@bob:example.org", "@alice:hs"] });
  });

  it("leaves a mention of an unknown remote user as plain text without m.mentions", () => {
    expect(
      render("hi Carol and Alice", [
        { type: "mention", offset: 3, length: 5, user: "carol-remote" },
        { type: "mention", offset: 13, length: 5, user: "alice-remote" },
      ]),
    ).toEqual({
      body: "hi Carol and Alice",
      format: "org.matrix.custom.html",
      formatted_body: 'hi Carol and <a href="https://matrix.to/#/%40alice%3Ahs">Alice</a>',
      "m.mentions": { user_ids: ["@alice:hs"] },
    });
  });

  it("keeps styles around a pill and drops styles inside it", () => {
    expect(
      htmlOf("Alice", [
        { type: "bold", offset: 0, length: 5 },
        { type: "mention", offset: 0, length: 5, user: "alice-remote" },
        { type: "italic", offset: 1, length: 2 },
      ]),
    ).toBe('<strong><a href="https://matrix.to/#/%40alice%3Ahs">Alice</a></strong>');
  });
});

describe("formattedToMatrix: entities that do not fit", () => {
  it("clamps entities that reach outside the text", () => {
    expect(
      htmlOf("abc", [
        { type: "bold", offset: -5, length: 7 },
        { type: "italic", offset: 2, length: 100 },
      ]),
    ).toBe("<strong>ab</strong><em>c</em>");
  });

  it("drops entities that start past the end, have no length or are not numbers", () => {
    expect(
      render("abc", [
        { type: "bold", offset: 10, length: 2 },
        { type: "italic", offset: 1, length: 0 },
        { type: "code", offset: Number.NaN, length: 1 },
        { type: "code", offset: 0, length: Number.POSITIVE_INFINITY },
      ]),
    ).toEqual({ body: "abc" });
  });

  it("drops an entity that crosses one before it instead of emitting crossing tags", () => {
    expect(
      htmlOf("abcdef", [
        { type: "bold", offset: 0, length: 4 },
        { type: "italic", offset: 2, length: 4 },
      ]),
    ).toBe("<strong>abcd</strong>ef");
  });

  it("widens entities that would cut an emoji in half", () => {
    expect(htmlOf("a😀b", [{ type: "bold", offset: 2, length: 1 }])).toBe("a<strong>😀</strong>b");
  });

  it("counts offsets in UTF-16 code units after emoji", () => {
    expect(htmlOf("😀 x", [{ type: "bold", offset: 3, length: 1 }])).toBe("😀 <strong>x</strong>");
  });
});
