import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "@/lib/auth/cookie";
import { crossSiteWriteRefusal } from "@/lib/auth/origin";

// An optimistic check only (is there a cookie or a bearer token at all?): it turns away anonymous requests
// early with the right answer for each kind of client. Every page, action and route still verifies the
// session itself against the database.
const PUBLIC_API = new Set(["/api/v1/health", "/api/v1/session", "/api/v1/openapi.json"]);

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  // Every write — REST, sign-in, sign-out and each server action (a POST to a page) — passes the
  // write-origin rule here, once, before any of them runs.
  const refused = crossSiteWriteRefusal(request.method, request.headers);
  if (refused) return NextResponse.json({ error: { code: "FORBIDDEN", message: refused, details: null } }, { status: 403 });
  const hasCookie = Boolean(request.cookies.get(SESSION_COOKIE)?.value);
  if (pathname.startsWith("/api/")) {
    const hasBearer = /^Bearer\s+\S+/i.test(request.headers.get("authorization") ?? "");
    if (PUBLIC_API.has(pathname) || hasCookie || hasBearer) return NextResponse.next();
    return NextResponse.json(
      { error: { code: "UNAUTHENTICATED", message: "Sign in first, or send Authorization: Bearer <token>.", details: null } },
      { status: 401 },
    );
  }
  if (pathname === "/signin" || hasCookie) return NextResponse.next();
  const target = new URL("/signin", request.url);
  if (pathname !== "/") target.searchParams.set("next", pathname + search);
  return NextResponse.redirect(target);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
