/**
 * Request and frame validation: each network describes its bodies with zod, and a body that does
 * not fit is refused with one 400 naming every field that was wrong.
 */
import type { z } from "zod";
import { badRequest } from "./protocol-error.js";

export function parse<S extends z.ZodType>(schema: S, value: unknown, what = "request body"): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`);
  throw badRequest("invalid_argument", `invalid ${what}: ${problems.join("; ")}`, { problems });
}
