/**
 * Makes a list of entities safe to render: entities come from networks and from our own HTML
 * walk, and a renderer that trusts them would emit crossing tags or split an emoji in two.
 */
import { sortEntities, type TextEntity } from "../../network/formatted-text.js";

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** True when `index` falls between the two halves of a surrogate pair. */
function splitsPair(text: string, index: number): boolean {
  return index > 0 && index < text.length && isLowSurrogate(text.charCodeAt(index)) && isHighSurrogate(text.charCodeAt(index - 1));
}

/**
 * Clamps entities into the text, widens any that would cut an astral character in half, drops
 * empty ones, and drops any entity that crosses one kept before it (the later-starting one
 * loses). The result is sorted the way FormattedText requires.
 */
export function normalizeEntities(text: string, entities: readonly TextEntity[]): TextEntity[] {
  const clamped: TextEntity[] = [];
  for (const entity of entities) {
    if (!Number.isFinite(entity.offset) || !Number.isFinite(entity.length)) continue;
    let start = Math.min(text.length, Math.max(0, Math.trunc(entity.offset)));
    let end = Math.min(text.length, Math.max(start, Math.trunc(entity.offset + entity.length)));
    if (splitsPair(text, start)) start -= 1;
    if (splitsPair(text, end)) end += 1;
    if (end <= start) continue;
    const unchanged = start === entity.offset && end - start === entity.length;
    clamped.push(unchanged ? entity : { ...entity, offset: start, length: end - start });
  }
  const kept: TextEntity[] = [];
  // Ends of the kept entities that enclose the current position, innermost last.
  const enclosingEnds: number[] = [];
  for (const entity of sortEntities(clamped)) {
    while (enclosingEnds.length > 0 && (enclosingEnds[enclosingEnds.length - 1] as number) <= entity.offset) enclosingEnds.pop();
    const end = entity.offset + entity.length;
    const innermost = enclosingEnds[enclosingEnds.length - 1];
    if (innermost !== undefined && end > innermost) continue;
    enclosingEnds.push(end);
    kept.push(entity);
  }
  return kept;
}
