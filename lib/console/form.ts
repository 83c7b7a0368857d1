/**
 * Field-by-field refusals of a console form (and of the same write over REST): each problem is said beside
 * the field it is about, and the whole maps to one status.
 */
import type { z } from "zod";
import { DomainError, zodDetails } from "../errors";

/** One field's problem: a bad value, a thing named that does not exist, or a name already taken. */
export type FieldProblem = { path: string; message: string; kind: "bad" | "missing" | "taken" };

/**
 * Field-by-field problems, for a form to show beside each field. Over REST: 404 when the only problems are
 * things named that do not exist, 409 when the only problems are names already taken, else 400.
 */
export class FieldErrors extends DomainError {
  readonly fields: Record<string, string>;
  constructor(problems: FieldProblem[]) {
    const kinds = new Set(problems.map((p) => p.kind));
    const code = kinds.size === 1 && kinds.has("missing") ? "NOT_FOUND" : kinds.size === 1 && kinds.has("taken") ? "CONFLICT" : "BAD_INPUT";
    super(code, problems.map((p) => p.message).join(" "), problems.map(({ path, message }) => ({ path, message })));
    this.fields = Object.fromEntries(problems.map((p) => [p.path, p.message]));
  }
}

/** A form's parse problems, one per field. */
export const fieldErrorsOf = (error: z.ZodError) =>
  new FieldErrors(zodDetails(error).map((d) => ({ path: d.path || "form", message: d.message, kind: "bad" })));
