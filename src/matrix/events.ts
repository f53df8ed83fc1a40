/** The shape of a Matrix room event as the appservice receives it (client-server format). */
export interface MatrixEvent {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  state_key?: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
  unsigned?: Record<string, unknown>;
}

/** Narrows an untrusted transaction entry; anything else is logged and skipped by the caller. */
export function isMatrixEvent(value: unknown): value is MatrixEvent {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e["event_id"] === "string" &&
    typeof e["room_id"] === "string" &&
    typeof e["sender"] === "string" &&
    typeof e["type"] === "string" &&
    typeof e["content"] === "object" &&
    e["content"] !== null
  );
}

/** The event a redaction takes away: in `content` from room version 11, at the top level before. */
export function redactsOf(event: MatrixEvent): string | undefined {
  const redacts = typeof event.content["redacts"] === "string" ? event.content["redacts"] : (event as { redacts?: unknown }).redacts;
  return typeof redacts === "string" ? redacts : undefined;
}
