/**
 * The neutral form of formatted text that both sides convert to and from: plain text plus
 * entities, like the ranges Messenger uses for mentions. Connectors translate their markup
 * (WhatsApp's `*bold*`, Messenger's mention ranges) and the Matrix side translates HTML, so no
 * network ever has to know about HTML and the Matrix side never learns a network's markup.
 *
 * Offsets and lengths count UTF-16 code units (JavaScript string indices). Entities may nest
 * (a bold link) but never cross: each entity lies wholly inside or wholly outside another.
 * The text itself holds what a reader sees: no markup characters, and block quotes without
 * their `> ` prefixes.
 */
import type { RemoteUserId } from "./ids.js";

export type StyleEntityType = "bold" | "italic" | "strikethrough" | "code" | "pre" | "blockquote";

export interface StyleEntity {
  type: StyleEntityType;
  offset: number;
  length: number;
  /** Only for `pre`: the code block's language, when known. */
  language?: string;
}

export interface LinkEntity {
  type: "link";
  offset: number;
  length: number;
  url: string;
}

/** A mention of a person on the connector's network. The text covers the name as shown. */
export interface MentionEntity {
  type: "mention";
  offset: number;
  length: number;
  user: RemoteUserId;
}

export type TextEntity = StyleEntity | LinkEntity | MentionEntity;
export type EntityType = TextEntity["type"];

export interface FormattedText {
  text: string;
  /** Sorted by offset, outer entities before the ones they contain. May be empty. */
  entities: TextEntity[];
}

export function plainText(text: string): FormattedText {
  return { text, entities: [] };
}

/** Orders entities by start, and the outer one first when two start together. */
export function sortEntities(entities: readonly TextEntity[]): TextEntity[] {
  return [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/** `a` followed by `b`, with `b`'s entities moved along. */
export function concatFormatted(a: FormattedText, b: FormattedText): FormattedText {
  const shift = a.text.length;
  return { text: a.text + b.text, entities: [...a.entities, ...b.entities.map((e) => ({ ...e, offset: e.offset + shift }))] };
}
