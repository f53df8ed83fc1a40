/** A wait as login flows tell it: whole minutes, rounded up, at least one. */
export function minutes(ms: number): string {
  const count = Math.max(1, Math.ceil(ms / 60_000));
  return `${count} minute${count === 1 ? "" : "s"}`;
}
