/**
 * Keeps secrets out of log lines. Two nets, because neither alone is enough:
 * - values registered at run time (appservice tokens, later login passwords and pairing codes)
 *   are replaced wherever they appear, even inside free text or error messages;
 * - fields whose name says they hold a secret are masked whatever their value, and so are
 *   `access_token=` query parameters and `Authorization` headers inside text.
 */
export const REDACTED = "<redacted>";

const SECRET_KEY = /(token|password|passwd|secret|pairing_?code|passcode|authorization|otp|2fa)/i;
const TEXT_PATTERNS: [RegExp, string][] = [
  [/(access_token=)[^&\s"']+/gi, `$1${REDACTED}`],
  [/(authorization["']?\s*[:=]\s*["']?(?:bearer\s+)?)[^\s"',]+/gi, `$1${REDACTED}`],
];
// Short values would mask ordinary words; real secrets are longer than this.
const MIN_SECRET_LENGTH = 6;

export class SecretRedactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) this.secrets.add(secret);
  }

  remove(secret: string): void {
    this.secrets.delete(secret);
  }

  redactText(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }

  /** A redacted copy of any loggable value; the original is never mutated. */
  redactValue(value: unknown, seen = new WeakSet<object>()): unknown {
    if (typeof value === "string") return this.redactText(value);
    if (value === null || typeof value !== "object") return value;
    if (seen.has(value)) return "[circular]";
    seen.add(value);
    if (value instanceof Error) {
      // A plain object, because JSON.stringify drops an Error's (non-enumerable) message and stack.
      return this.redactValue({ ...value, name: value.name, message: value.message, stack: value.stack }, seen);
    }
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, seen));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = this.redactField(key, item, seen);
    return out;
  }

  /** A field's value, masked outright when its name says it holds a secret. */
  redactField(key: string, value: unknown, seen = new WeakSet<object>()): unknown {
    if (SECRET_KEY.test(key) && value !== undefined && value !== null) return REDACTED;
    return this.redactValue(value, seen);
  }
}
