import { NextResponse } from "next/server";
import type { ZodError } from "zod";
import { DomainError, toDomainError, type ErrorCode } from "@/lib/errors";

const statusFor: Record<ErrorCode, number> = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_ATTEMPTS: 429,
};

/** SPEC §6: every error is {"error": {"code", "message", "details"}}. */
export function errorResponse(code: ErrorCode, message: string, details?: unknown): NextResponse {
  return NextResponse.json({ error: { code, message, details: details ?? null } }, { status: statusFor[code] });
}

export function badInput(error: ZodError): NextResponse {
  const known = toDomainError(error)!;
  return errorResponse("BAD_INPUT", known.message, known.details);
}

/** Maps known domain errors; anything else is a bug and answers 500 without leaking its text. */
export function handleError(error: unknown): NextResponse {
  const known = toDomainError(error);
  if (known) return errorResponse(known.code, known.message, known.details);
  console.error(error);
  return NextResponse.json({ error: { code: "INTERNAL", message: "Something went wrong on the server.", details: null } }, { status: 500 });
}

/** The JSON body, or a BAD_INPUT DomainError saying it is not JSON. */
export async function bodyOf(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new DomainError("BAD_INPUT", "The request body must be JSON.");
  }
}

export async function readJson(request: Request): Promise<{ ok: true; body: unknown } | { ok: false; response: NextResponse }> {
  try {
    return { ok: true, body: await request.json() };
  } catch {
    return { ok: false, response: errorResponse("BAD_INPUT", "The request body must be JSON.") };
  }
}

/**
 * Cookie-authenticated writes must come from the console's own origin (a cross-site form cannot carry the
 * Origin of this host). Requests without an Origin (curl, integrations) are not browsers' cross-site posts.
 */
export function sameOrigin(request: Request): NextResponse | undefined {
  // A bearer-token caller is authenticated by its token, not by a cookie a browser would send along.
  if (/^Bearer\s+\S+$/i.test(request.headers.get("authorization") ?? "")) return undefined;
  const origin = request.headers.get("origin");
  if (!origin) return undefined;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    if (new URL(origin).host === host) return undefined;
  } catch {
    // fall through
  }
  return errorResponse("FORBIDDEN", `Cross-origin writes are refused (Origin ${origin}).`);
}
