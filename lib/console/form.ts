/**
 * Field-by-field refusals of a console form (and of the same write over REST): each problem is said beside
 * the field it is about, and the whole maps to one status.
 */
import type { z } from "zod";
import { DomainError, zodDetails } from "../errors";

/**
 * One field's problem: a bad value, a thing named that does not exist, a name already taken, or a value that
 * conflicts with the state of something else (a site's switch in another source than its server's).
 */
export type FieldProblem = { path: string; message: string; kind: "bad" | "missing" | "taken" | "conflict" };

/**
 * Field-by-field problems, for a form to show beside each field. Over REST: 404 when the only problems are
 * things named that do not exist, 409 when the only problems are names already taken or conflicts, else 400.
 */
export class FieldErrors extends DomainError {
  readonly fields: Record<string, string>;
  constructor(problems: FieldProblem[]) {
    const kinds = new Set(problems.map((p) => p.kind));
    const conflicts = [...kinds].every((kind) => kind === "taken" || kind === "conflict");
    const code = kinds.size === 1 && kinds.has("missing") ? "NOT_FOUND" : kinds.size > 0 && conflicts ? "CONFLICT" : "BAD_INPUT";
    super(code, problems.map((p) => p.message).join(" "), problems.map(({ path, message }) => ({ path, message })));
    this.fields = Object.fromEntries(problems.map((p) => [p.path, p.message]));
  }
}

/** A form's parse problems, one per field. */
export const fieldErrorsOf = (error: z.ZodError) =>
  new FieldErrors(zodDetails(error).map((d) => ({ path: d.path || "form", message: d.message, kind: "bad" })));
