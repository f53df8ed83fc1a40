import { describe, expect, it } from "@jest/globals";
import { matrixToFormatted } from "../../../../src/matrix/format/index.js";
import { html, mentions } from "./helpers.js";

const parse = (formattedBody: string) => matrixToFormatted(html(formattedBody), mentions);

describe("matrixToFormatted: which field is read", () => {
  it("returns the plain body without entities when there is no format", () => {
    expect(matrixToFormatted({ body: "  *hi* <b>x</b>" }, mentions)).toEqual({ text: "  *hi* <b>x</b>", entities: [] });
  });

  it("returns the plain body when the format is not org.matrix.custom.html", () => {
    expect(matrixToFormatted({ body: "plain", format: "text/markdown", formatted_body: "<b>x</b>" }, mentions)).toEqual({
      text: "plain",
      entities: [],
    });
  });

  it("returns the plain body when formatted_body is missing or not a string", () => {
    expect(matrixToFormatted({ body: "plain", format: "org.matrix.custom.html" }, mentions).text).toBe("plain");
    const broken = { body: "plain", format: "org.matrix.custom.html", formatted_body: 42 as unknown as string };
    expect(matrixToFormatted(broken, mentions)).toEqual({ text: "plain", entities: [] });
  });

  it("reads an empty string for a body that is not a string", () => {
    expect(matrixToFormatted({ body: null as unknown as string }, mentions)).toEqual({ text: "", entities: [] });
  });
});

describe("matrixToFormatted: inline styles", () => {
  it.each([
    ["b", "bold"],
    ["strong", "bold"],
    ["i", "italic"],
    ["em", "italic"],
    ["s", "strikethrough"],
    ["del", "strikethrough"],
    ["strike", "strikethrough"],
    ["code", "code"],
  ])("turns <%s> into a %s entity", (tag, type) => {
    expect(parse(`a <${tag}>styled</${tag}> z`)).toEqual({ text: "a styled z", entities: [{ type, offset: 2, length: 6 }] });
  });

  it("nests styles, outer entity first", () => {
    expect(parse("<b>bold <i>both</i></b> <del>gone</del>")).toEqual({
      text: "bold both gone",
      entities: [
        { type: "bold", offset: 0, length: 9 },
        { type: "italic", offset: 5, length: 4 },
        { type: "strikethrough", offset: 10, length: 4 },
      ],
    });
  });

  it("keeps the nesting order of styles that cover the same text", () => {
    expect(parse("<em><strong>x</strong></em>").entities.map((e) => e.type)).toEqual(["italic", "bold"]);
    expect(parse("<strong><em>x</em></strong>").entities.map((e) => e.type)).toEqual(["bold", "italic"]);
  });

  it("keeps only the text of <u>, <span>, <font>, <sub>, <sup> and unknown tags", () => {
    expect(
      parse('<u>u</u> <span data-mx-spoiler>s</span> <font color="red">f</font> H<sub>2</sub>O x<sup>2</sup> <blink>k</blink>'),
    ).toEqual({ text: "u s f H2O x2 k", entities: [] });
  });

  it("leaves spaces next to a style outside the entity", () => {
    expect(parse("a<b> bold </b>z")).toEqual({ text: "a bold z", entities: [{ type: "bold", offset: 2, length: 4 }] });
  });

  it("drops styles that cover no visible text", () => {
    expect(parse("a<b></b><i> </i>b")).toEqual({ text: "a b", entities: [] });
  });
});

describe("matrixToFormatted: blocks", () => {
  it("separates paragraphs and divs with one newline and adds none at the end", () => {
    expect(parse("<p>one</p><p>two</p><div>three</div>")).toEqual({ text: "one\ntwo\nthree", entities: [] });
  });

  it("turns <br> into a newline, keeping empty lines", () => {
    expect(parse("a<br>b<br/><br>c")).toEqual({ text: "a\nb\n\nc", entities: [] });
  });

  it("does not double the line break of a <br> at the end of a paragraph", () => {
    expect(parse("<p>a<br></p><p>b</p>").text).toBe("a\nb");
  });

  it("turns a blockquote into a blockquote entity on its own lines", () => {
    expect(parse("before<blockquote>quoted <b>text</b></blockquote>after")).toEqual({
      text: "before\nquoted text\nafter",
      entities: [
        { type: "blockquote", offset: 7, length: 11 },
        { type: "bold", offset: 14, length: 4 },
      ],
    });
  });

  it("turns <pre><code class=language-x> into a pre entity with the language and no code entity", () => {
    expect(parse('<pre><code class="language-ts">const a = 1;\n  return a;\n</code></pre>')).toEqual({
      text: "const a = 1;\n  return a;",
      entities: [{ type: "pre", offset: 0, length: 24, language: "ts" }],
    });
  });

  it("turns a <pre> without a language into a pre entity without one", () => {
    expect(parse("x<pre>a  b</pre>y")).toEqual({ text: "x\na  b\ny", entities: [{ type: "pre", offset: 2, length: 4 }] });
  });

  it("keeps whitespace and newlines inside <pre> but drops the newline right after <pre>", () => {
    expect(parse("<pre>\n  one\n\n\ttwo  </pre>").text).toBe("  one\n\n\ttwo");
  });

  it("turns <h1>-<h6> into bold lines", () => {
    expect(parse("<h1>Title</h1><p>text</p><h6>Small</h6>")).toEqual({
      text: "Title\ntext\nSmall",
      entities: [
        { type: "bold", offset: 0, length: 5 },
        { type: "bold", offset: 11, length: 5 },
      ],
    });
  });

  it("turns <hr> into a --- line", () => {
    expect(parse("above<hr>below")).toEqual({ text: "above\n---\nbelow", entities: [] });
  });

  it("keeps the text of <details> and <summary> on their own lines", () => {
    expect(parse("<details><summary>More</summary>hidden text</details>")).toEqual({ text: "More\nhidden text", entities: [] });
  });

  it("puts table cells of a row on one line", () => {
    expect(parse("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>").text).toBe("a b\n1 2");
  });
});

describe("matrixToFormatted: lists", () => {
  it("writes unordered items as • lines", () => {
    expect(parse("<ul><li>one</li><li>two</li></ul>")).toEqual({ text: "• one\n• two", entities: [] });
  });

  it("numbers ordered items from 1", () => {
    expect(parse("<ol><li>one</li><li>two</li><li>three</li></ol>").text).toBe("1. one\n2. two\n3. three");
  });

  it("numbers ordered items from the start attribute", () => {
    expect(parse('<ol start="7"><li>seven</li><li>eight</li></ol>').text).toBe("7. seven\n8. eight");
  });

  it("takes an item's value attribute as its number", () => {
    expect(parse('<ol><li>one</li><li value="10">ten</li><li>eleven</li></ol>').text).toBe("1. one\n10. ten\n11. eleven");
  });

  it("indents nested lists and numbers each list on its own", () => {
    expect(parse("<ol><li>a<ul><li>x</li><li>y</li></ul></li><li>b</li></ol>").text).toBe("1. a\n  • x\n  • y\n2. b");
  });

  it("keeps a paragraph inside an item on the marker's line", () => {
    expect(parse("<ul><li><p>one</p></li><li><p>two</p></li></ul>").text).toBe("• one\n• two");
  });

  it("separates a list from the text around it", () => {
    expect(parse("intro<ul><li>item</li></ul>outro").text).toBe("intro\n• item\noutro");
  });

  it("closes an unclosed <li> at the next <li>, as HTML does", () => {
    expect(parse("<ol><li>one<li>two<li><b>three</ol>after")).toEqual({
      text: "1. one\n2. two\n3. three\nafter",
      entities: [{ type: "bold", offset: 17, length: 5 }],
    });
  });

  it("styles the item text, not the marker", () => {
    expect(parse("<ul><li><b>bold</b></li></ul>").entities).toEqual([{ type: "bold", offset: 2, length: 4 }]);
  });
});

describe("matrixToFormatted: links", () => {
  it.each(["https://example.org/a?b=1&c=2", "http://example.org", "mailto:someone@example.org", "HTTPS://EXAMPLE.ORG"])(
    "keeps a link with the safe url %s",
    (url) => {
      const href = url.replace(/&/g, "&amp;");
      expect(parse(`see <a href="${href}">here</a>`)).toEqual({ text: "see here", entities: [{ type: "link", offset: 4, length: 4, url }] });
    },
  );

  it.each(["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,x", "/relative/path", "ftp://example.org", ""])(
    "keeps only the text of a link to the unsafe or relative url %j",
    (url) => {
      expect(parse(`<a href="${url}">text</a>`)).toEqual({ text: "text", entities: [] });
    },
  );

  it("keeps only the text of an <a> without href", () => {
    expect(parse('<a name="x">anchor</a>')).toEqual({ text: "anchor", entities: [] });
  });

  it("closes an open link when another one starts, so links never nest", () => {
    expect(parse('<a href="https://a.example">a<a href="https://b.example">b</a>').entities).toEqual([
      { type: "link", offset: 0, length: 1, url: "https://a.example" },
      { type: "link", offset: 1, length: 1, url: "https://b.example" },
    ]);
  });

  it("keeps styles inside a link", () => {
    expect(parse('<a href="https://x.example"><b>bold</b> link</a>').entities).toEqual([
      { type: "link", offset: 0, length: 9, url: "https://x.example" },
      { type: "bold", offset: 0, length: 4 },
    ]);
  });
});

describe("matrixToFormatted: mentions", () => {
  it("turns a matrix.to pill of a known user into a mention of the remote user", () => {
    expect(parse('hi <a href="https://matrix.to/#/@alice:hs">Alice</a>!')).toEqual({
      text: "hi Alice!",
      entities: [{ type: "mention", offset: 3, length: 5, user: "alice-remote" }],
    });
  });

  it("reads percent-encoded user ids and ignores the via parameters", () => {
    expect(parse('<a href="https://matrix.to/#/%40bob%3Aexample.org?via=example.org">Bob</a>').entities).toEqual([
      { type: "mention", offset: 0, length: 3, user: "bob-remote" },
    ]);
  });

  it("reads matrix:u/ URIs as pills too", () => {
    expect(parse('<a href="matrix:u/alice:hs?action=chat">Alice</a>').entities).toEqual([
      { type: "mention", offset: 0, length: 5, user: "alice-remote" },
    ]);
  });

  it("keeps the pill's text as plain text when the user has no remote id", () => {
    expect(parse('hi <a href="https://matrix.to/#/@carol:hs">Carol</a>')).toEqual({ text: "hi Carol", entities: [] });
  });

  it("keeps a matrix.to link to a room as an ordinary link", () => {
    const url = "https://matrix.to/#/#room:hs";
    expect(parse(`<a href="${url}">#room</a>`).entities).toEqual([{ type: "link", offset: 0, length: 5, url }]);
  });

  it("drops a pill with no text", () => {
    expect(parse('x<a href="https://matrix.to/#/@alice:hs"></a>')).toEqual({ text: "x", entities: [] });
  });
});

describe("matrixToFormatted: content that is not shown", () => {
  it("removes <mx-reply> with everything in it", () => {
    const reply = '<mx-reply><blockquote><a href="https://matrix.to/#/@alice:hs">Alice</a><br>original</blockquote></mx-reply>answer';
    expect(parse(reply)).toEqual({ text: "answer", entities: [] });
  });

  it("drops <script>, <style>, <head> and <title> with their content", () => {
    expect(parse("<head><title>t</title><style>b{}</style></head><b>x</b><script>if (a<b) alert('</b>')</script>y")).toEqual({
      text: "xy",
      entities: [{ type: "bold", offset: 0, length: 1 }],
    });
  });

  it("ends <head> at <body> when </head> is missing", () => {
    expect(parse("<html><head><meta charset=utf-8><body>visible</body></html>").text).toBe("visible");
  });

  it("ignores comments and doctypes", () => {
    expect(parse("<!DOCTYPE html>a<!-- <b>hidden</b> -->b").text).toBe("ab");
  });

  it("uses the alt text of an image, which is how custom emoji travel", () => {
    expect(parse('hi <img src="mxc://hs/abc" alt=":wave:"> there <img src="mxc://hs/def">').text).toBe("hi :wave: there");
  });
});

describe("matrixToFormatted: character references", () => {
  it("decodes named, decimal and hex references", () => {
    expect(parse("&amp; &lt;tag&gt; &quot;q&quot; &#39;s&#x27; &eacute; &#128512; &copy").text).toBe(`& <tag> "q" 's' é 😀 ©`);
  });

  it("decodes references in attributes", () => {
    expect(parse('<a href="https://x.example/?a=1&amp;b=2">x</a>').entities).toEqual([
      { type: "link", offset: 0, length: 1, url: "https://x.example/?a=1&b=2" },
    ]);
  });

  it("keeps a non-breaking space inside the text", () => {
    expect(parse("a&nbsp;&nbsp;b").text).toBe("a\u00a0\u00a0b");
  });
});

describe("matrixToFormatted: whitespace", () => {
  it("collapses runs of spaces, tabs and newlines into one space", () => {
    expect(parse("a   b\t\tc\n\n d")).toEqual({ text: "a b c d", entities: [] });
  });

  it("collapses whitespace across tags", () => {
    expect(parse("a <b> b </b> <i> c</i>")).toEqual({
      text: "a b c",
      entities: [
        { type: "bold", offset: 2, length: 1 },
        { type: "italic", offset: 4, length: 1 },
      ],
    });
  });

  it("trims the start and end of the whole result, shifting entities", () => {
    expect(parse("  \n <p>  <b>x</b>  </p>\n<br>  ")).toEqual({ text: "x", entities: [{ type: "bold", offset: 0, length: 1 }] });
  });

  it("drops whitespace at the start and end of lines", () => {
    expect(parse("<p> one </p>\n<p>  two</p>").text).toBe("one\ntwo");
    expect(parse("a <br> b").text).toBe("a\nb");
  });

  it("keeps the indentation that starts a code block at the start of the message", () => {
    expect(parse("<pre><code>    indented\nx</code></pre>")).toEqual({
      text: "    indented\nx",
      entities: [{ type: "pre", offset: 0, length: 14 }],
    });
  });
});

describe("matrixToFormatted: astral characters", () => {
  it("counts offsets in UTF-16 code units after an emoji", () => {
    expect(parse("😀 <b>x</b>")).toEqual({ text: "😀 x", entities: [{ type: "bold", offset: 3, length: 1 }] });
  });

  it("covers both halves of emoji inside an entity", () => {
    expect(parse("<i>👍🏽</i> and <b>𝒳</b>")).toEqual({
      text: "👍🏽 and 𝒳",
      entities: [
        { type: "italic", offset: 0, length: 4 },
        { type: "bold", offset: 9, length: 2 },
      ],
    });
  });
});

describe("matrixToFormatted: broken HTML", () => {
  it("closes unclosed tags at the end of the message", () => {
    expect(parse("a <b>bold <i>both")).toEqual({
      text: "a bold both",
      entities: [
        { type: "bold", offset: 2, length: 9 },
        { type: "italic", offset: 7, length: 4 },
      ],
    });
  });

  it("ignores stray closing tags", () => {
    expect(parse("</i>a</b> <b>b</p></b>c</blockquote>")).toEqual({ text: "a bc", entities: [{ type: "bold", offset: 2, length: 1 }] });
  });

  it("closes inner elements when an outer end tag comes first", () => {
    expect(parse("<b>bold <i>both</b> plain</i>")).toEqual({
      text: "bold both plain",
      entities: [
        { type: "bold", offset: 0, length: 9 },
        { type: "italic", offset: 5, length: 4 },
      ],
    });
  });

  it("reads attributes without quotes, with single quotes and without values", () => {
    expect(parse("<a href=https://x.example/p title='t' download>x</a><ol start=3 reversed><li>c</ol>")).toEqual({
      text: "x\n3. c",
      entities: [{ type: "link", offset: 0, length: 1, url: "https://x.example/p" }],
    });
  });

  it("treats a lone < and unknown entities as text", () => {
    expect(parse("a < b && c &nosuch; <3").text).toBe("a < b && c &nosuch; <3");
  });

  it("ignores upper-case tag names' case", () => {
    expect(parse("<B>x</B><STRONG>y</strong>").entities).toEqual([
      { type: "bold", offset: 0, length: 1 },
      { type: "bold", offset: 1, length: 1 },
    ]);
  });

  it("reads a stray </br> as a line break, as browsers do", () => {
    expect(parse("a</br>b").text).toBe("a\nb");
  });

  it("returns empty text for an empty or tag-only body", () => {
    expect(parse("")).toEqual({ text: "", entities: [] });
    expect(parse("<p></p><b></b>")).toEqual({ text: "", entities: [] });
  });
});
