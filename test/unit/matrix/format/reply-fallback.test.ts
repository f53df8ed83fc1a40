import { describe, expect, it } from "@jest/globals";
import { stripReplyFallback } from "../../../../src/matrix/format/index.js";

describe("stripReplyFallback", () => {
  it("strips the quoted lines and the blank line after them from body", () => {
    expect(stripReplyFallback({ body: "> <@alice:hs> original\n> second line\n\nmy answer\n> not a fallback" })).toEqual({
      body: "my answer\n> not a fallback",
    });
  });

  it("strips the fallback of an emote", () => {
    expect(stripReplyFallback({ body: "> * <@alice:hs> waves\n\nhello" }).body).toBe("hello");
  });

  it("strips quoted empty lines written as a bare >", () => {
    expect(stripReplyFallback({ body: "> <@alice:hs> a\n>\n> b\n\nreply" }).body).toBe("reply");
  });

  it("leaves a body that merely starts with a quote of its own", () => {
    expect(stripReplyFallback({ body: "> to be or not\n\nthat is it" }).body).toBe("> to be or not\n\nthat is it");
  });

  it("leaves a one-line body alone", () => {
    expect(stripReplyFallback({ body: "> <@alice:hs> just this" }).body).toBe("> <@alice:hs> just this");
  });

  it("strips a leading <mx-reply> from formatted_body", () => {
    const formatted_body =
      '<mx-reply><blockquote><a href="https://matrix.to/#/!r:hs/$e">In reply to</a> <a href="https://matrix.to/#/@alice:hs">@alice:hs</a><br>original</blockquote></mx-reply>my <b>answer</b>';
    expect(stripReplyFallback({ body: "> <@alice:hs> original\n\nmy answer", formatted_body })).toEqual({
      body: "my answer",
      formatted_body: "my <b>answer</b>",
    });
  });

  it("strips nested <mx-reply> blocks as one and ignores the tag's case", () => {
    expect(stripReplyFallback({ body: "x", formatted_body: " <MX-REPLY><mx-reply>old</mx-reply>quote</Mx-Reply>answer" }).formatted_body).toBe(
      "answer",
    );
  });

  it("leaves formatted_body alone when <mx-reply> is not at the start or never closes", () => {
    expect(stripReplyFallback({ body: "x", formatted_body: "a<mx-reply>b</mx-reply>" }).formatted_body).toBe("a<mx-reply>b</mx-reply>");
    expect(stripReplyFallback({ body: "x", formatted_body: "<mx-reply>unclosed" }).formatted_body).toBe("<mx-reply>unclosed");
  });

  it("adds no formatted_body when there was none", () => {
    expect(stripReplyFallback({ body: "hello" })).toEqual({ body: "hello" });
  });
});
