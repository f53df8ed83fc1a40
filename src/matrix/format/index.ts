/** Matrix HTML <-> neutral FormattedText, in both directions, plus reply-fallback stripping. */
export type { MentionResolver } from "./mention-resolver.js";
export { formattedToMatrix, matrixToFormatted } from "./content.js";
export { stripReplyFallback } from "./reply-fallback.js";
