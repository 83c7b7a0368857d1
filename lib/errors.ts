/**
 * Errors with a fixed code, so callers (route handlers, server actions, the launcher) map them to a status or
 * a message in one place instead of parsing text.
 */
import { ZodError } from "zod";

export type ErrorCode =
  | "BAD_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_CREDENTIALS"
  | "TOO_MANY_ATTEMPTS"
  | "TOO_LARGE"
  | "UNAVAILABLE";

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** A zod problem list in SPEC §6's details shape: one entry per field, an unknown field named by its path. */
export function zodDetails(error: ZodError): { path: string; message: string }[] {
  return error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: [...issue.path, key].join("."), message: `there is no field "${key}" here` }))
      : [{ path: issue.path.join("."), message: issue.message }],
  );
}

/**
 * The database is down, restarting or out of reach: the request could not be served, through no fault of the
 * caller and not as a bug (postgres.js's own codes, the socket's, and PostgreSQL's admin shutdown / cannot
 * connect now / connection exceptions).
 */
const DATABASE_UNREACHABLE = new Set([
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN",
  "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED",
  "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006", "53300",
]);

/**
 * What a caller can tell its user about a failure, or null for a bug. A DomainError says it already; a
 * ZodError is a bad value; PostgreSQL's data exceptions (class 22: out of range, invalid text, a date it
 * cannot hold) are a value our checks let through, still the caller's input and not a server fault.
 */
export function toDomainError(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error;
  if (error instanceof ZodError) {
    const details = zodDetails(error);
    return new DomainError("BAD_INPUT", details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join("; "), details);
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && DATABASE_UNREACHABLE.has(code)) {
    return new DomainError("UNAVAILABLE", "The WFM database cannot be reached right now; nothing was changed. Try again in a moment.");
  }
  if (typeof code === "string" && code.startsWith("22")) {
    // The database's own text names its internals (types, casts); the caller learns which value, if known.
    const column = (error as { column_name?: string }).column_name;
    return new DomainError("BAD_INPUT", `A value${column ? ` (${column})` : ""} is out of range or not of the kind its field takes.`);
  }
  return null;
}

/** A refusal about one field of the input, with SPEC §6's details: [{path, message}]. */
export function fieldError(code: ErrorCode, path: string, message: string): DomainError {
  return new DomainError(code, message, [{ path, message }]);
}

/**
 * A problem that stops the launcher or a server at start. `message` is one line saying what is wrong and
 * what to do; `cause` keeps the underlying error for --verbose output.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StartupError";
  }
}
