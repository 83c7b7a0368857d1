import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { SESSION_COOKIE, signIn, signOut, userForSession, type Credentials, type SessionUser } from "@/lib/auth/sessions";
import { userForToken } from "@/lib/auth/tokens";
import { CLIENT_ADDRESS_HEADER } from "@/lib/auth/client-address";
import { sharedDatabase } from "@/lib/db/shared";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";

/** The one place in app/ that reads the session cookie. Cached per request. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return userForSession(sharedDatabase().sql, token);
});

/** For pages and actions: the signed-in user, or a redirect to sign-in. */
export async function verifySession(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/signin");
  return user;
}

/** Signs in and sets the session cookie: the one path behind the sign-in form and POST /api/v1/session. */
export async function startSession(credentials: Credentials): Promise<SessionUser> {
  // Written by the console's own HTTP server (scripts/console.ts) on every request; "unknown" only where the
  // console runs without it (next dev).
  const address = (await headers()).get(CLIENT_ADDRESS_HEADER) ?? "unknown";
  const session = await signIn(sharedDatabase().sql, credentials, address);
  (await cookies()).set(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().secureCookies,
    path: "/",
    expires: session.expiresAt,
  });
  return session.user;
}

/** Ends this browser's session, for the sign-out button and DELETE /api/v1/session. */
export async function endSession(): Promise<void> {
  const jar = await cookies();
  await signOut(sharedDatabase().sql, jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
}

/**
 * For route handlers: who calls — by `Authorization: Bearer <token>` (an API token an admin created) or by
 * the session cookie — or an UNAUTHENTICATED error in SPEC §6's shape. A bearer caller sends no cookie, so
 * the same-origin rule for cookie writes does not apply to it.
 */
export async function apiCaller(): Promise<{ user: SessionUser; by: "token" | "cookie" }> {
  const bearer = /^Bearer\s+(\S+)$/i.exec((await headers()).get("authorization") ?? "")?.[1];
  if (bearer) {
    const user = await userForToken(sharedDatabase().sql, bearer);
    if (!user) throw new DomainError("UNAUTHENTICATED", "The bearer token is not valid (revoked, or never issued).");
    return { user, by: "token" };
  }
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHENTICATED", "Sign in first: POST /api/v1/session with your user name and password, or send Authorization: Bearer <token>.");
  return { user, by: "cookie" };
}

export async function requireApiUser(): Promise<SessionUser> {
  return (await apiCaller()).user;
}
