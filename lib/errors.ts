/**
 * Errors with a fixed code, so callers (route handlers, server actions, the launcher) map them to a status or
 * a message in one place instead of parsing text.
 */
export type ErrorCode =
  | "BAD_INPUT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_CREDENTIALS"
  | "TOO_MANY_ATTEMPTS";

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
