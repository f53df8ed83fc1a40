/** Request fields checked the same way wherever they appear (REST bodies and realtime frames). */
import { z } from "zod";

/** Instagram's client-chosen idempotency key for sends. */
export const clientContext = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a client_context is 1-64 letters, digits, - or _");
export const numericId = z.string().regex(/^\d{1,40}$/, "must be a numeric id");
