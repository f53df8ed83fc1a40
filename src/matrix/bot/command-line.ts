/**
 * Splits what a user typed into a command name and arguments. Quotes group words, so a
 * display name with spaces can be one argument; a backslash escapes the next character.
 */
export interface CommandLine {
  name: string;
  args: string[];
}

/** Returns undefined for text that holds no command (empty or only white space). */
export function parseCommandLine(text: string): CommandLine | undefined {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === "\\" && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  const [name, ...args] = words;
  if (name === undefined) return undefined;
  return { name: name.toLowerCase(), args };
}
