/**
 * Checks the spans a person asks an app to send (see UserAgent.send): each agent writes them in
 * its network's own way, and they all refuse the same things first, before anything is sent.
 */
import type { AgentSpan, AgentSpanKind } from "./agent.js";
import { SimnetRequestError } from "./http.js";

const refuse = (message: string) => new SimnetRequestError(400, "unsupported_format", message, undefined);

/**
 * The spans sorted by start (the outer one first when two start together), after refusing a
 * kind the app cannot send, a span outside the text, and a link that does not show its URL.
 */
export function checkedSpans(app: string, formats: readonly AgentSpanKind[], text: string, spans: readonly AgentSpan[] = []): AgentSpan[] {
  for (const span of spans) {
    if (!formats.includes(span.kind)) throw refuse(`${app} cannot send ${span.kind} text`);
    if (!Number.isInteger(span.offset) || !Number.isInteger(span.length) || span.offset < 0 || span.length <= 0 || span.offset + span.length > text.length) {
      throw refuse(`a ${span.kind} span at ${span.offset}+${span.length} lies outside the text`);
    }
    if (span.kind === "link" && text.slice(span.offset, span.offset + span.length) !== span.url) throw refuse(`${app} shows a link as its address: the span must cover ${span.url}`);
    if (span.kind === "mention" && !span.user) throw refuse("a mention span names nobody");
  }
  return [...spans].sort((a, b) => a.offset - b.offset || b.length - a.length);
}
