import { NextResponse } from "next/server";
import { crossSiteWriteRefusal } from "@/lib/auth/origin";
import { DomainError, toDomainError, type ErrorCode } from "@/lib/errors";

const statusFor: Record<ErrorCode, number> = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_ATTEMPTS: 429,
  TOO_LARGE: 413,
  UNAVAILABLE: 503,
};

/** SPEC §6: every error is {"error": {"code", "message", "details"}}. */
export function errorResponse(code: ErrorCode, message: string, details?: unknown): NextResponse {
  // A client refused for too many sign-in attempts, or while the database is away, is told when to try again.
  const retryAfter = code === "TOO_MANY_ATTEMPTS" ? (details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds : code === "UNAVAILABLE" ? 5 : undefined;
  const headers = retryAfter !== undefined ? { "Retry-After": String(retryAfter) } : undefined;
  return NextResponse.json({ error: { code, message, details: details ?? null } }, { status: statusFor[code], headers });
}

/** Maps known domain errors; anything else is a bug and answers 500 without leaking its text. */
export function handleError(error: unknown): NextResponse {
  const known = toDomainError(error);
  if (known) return errorResponse(known.code, known.message, known.details);
  console.error(error);
  return NextResponse.json({ error: { code: "INTERNAL", message: "Something went wrong on the server.", details: null } }, { status: 500 });
}

/** The largest body the API reads: a person with 100 logins and 500 skill levels is about 30 KB. */
const MAX_BODY_BYTES = 1_048_576;

/**
 * The JSON body, or a DomainError saying what is wrong with it: too large (413), not UTF-8 — text in another
 * encoding would otherwise be stored with replacement characters, silently changed — or not JSON (400).
 */
export async function bodyOf(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  const tooLarge = (bytes: number) =>
    new DomainError("TOO_LARGE", `A request body is at most ${MAX_BODY_BYTES.toLocaleString("en")} bytes; this one has ${bytes.toLocaleString("en")}.`);
  if (declared > MAX_BODY_BYTES) throw tooLarge(declared);
  const charset = /charset=([^;]+)/i.exec(request.headers.get("content-type") ?? "")?.[1]?.trim().replace(/"/g, "").toLowerCase();
  if (charset && charset !== "utf-8" && charset !== "utf8") {
    throw new DomainError("BAD_INPUT", `Send the body as UTF-8 JSON; it says charset=${charset}.`);
  }
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge(bytes.byteLength);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new DomainError("BAD_INPUT", "The request body is not valid UTF-8.");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError("BAD_INPUT", "The request body must be JSON.");
  }
}

/**
 * The write-origin rule (lib/auth/origin.ts), which proxy.ts applies to every write; routes check it again
 * themselves, so a route never depends on the proxy's matcher to be safe.
 */
export function sameOrigin(request: Request): NextResponse | undefined {
  const refused = crossSiteWriteRefusal(request.method, request.headers);
  return refused ? errorResponse("FORBIDDEN", refused) : undefined;
}
