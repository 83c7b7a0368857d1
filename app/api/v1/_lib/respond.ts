import { NextResponse } from "next/server";
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
};

/** SPEC §6: every error is {"error": {"code", "message", "details"}}. */
export function errorResponse(code: ErrorCode, message: string, details?: unknown): NextResponse {
  // A client refused for too many sign-in attempts is told when to try again (the window is 15 minutes).
  const headers = code === "TOO_MANY_ATTEMPTS" ? { "Retry-After": "900" } : undefined;
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
 * Cookie-authenticated writes must come from the console's own origin (a cross-site form cannot carry the
 * Origin of this host). Requests without an Origin (curl, integrations) are not browsers' cross-site posts.
 */
export function sameOrigin(request: Request): NextResponse | undefined {
  // A bearer-token caller is authenticated by its token, not by a cookie a browser would send along.
  if (/^Bearer\s+\S+$/i.test(request.headers.get("authorization") ?? "")) return undefined;
  const origin = request.headers.get("origin");
  // A browser that sends no Origin still says where the request comes from.
  if (request.headers.get("sec-fetch-site") === "cross-site") return errorResponse("FORBIDDEN", "Cross-site writes are refused.");
  if (!origin) return undefined;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    if (new URL(origin).host === host) return undefined;
  } catch {
    // fall through
  }
  return errorResponse("FORBIDDEN", `Cross-origin writes are refused (Origin ${origin}).`);
}
