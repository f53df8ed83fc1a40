/**
 * The command a mistyped word most likely meant. The bot names only a known command back, never
 * the word itself: a management room is where people type passwords, and one sent after its login
 * ended would otherwise be quoted back into the room.
 */

/** Edits (insert, delete, substitute) between two words; small words only. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The closest of `names` within two edits of `word` (ignoring case), if there is one. */
export function nearestCommand(word: string, names: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  if (typed.length > 40) return undefined;
  let best: { name: string; edits: number } | undefined;
  for (const name of names) {
    const edits = distance(typed, name);
    if (edits <= 2 && edits < typed.length && (!best || edits < best.edits)) best = { name, edits };
  }
  return best?.name;
}
