import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SESSION_COOKIE, signIn, signOut, userForSession, type Credentials, type SessionUser } from "@/lib/auth/sessions";
import { sharedDatabase } from "@/lib/db/shared";
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
  const session = await signIn(sharedDatabase().sql, credentials);
  (await cookies()).set(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: "lax",
    secure: process.env.WFM_SECURE_COOKIES === "1",
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

/** For route handlers: the signed-in user, or an UNAUTHENTICATED error in SPEC §6's shape. */
export async function requireApiUser(): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) throw new DomainError("UNAUTHENTICATED", "Sign in first: POST /api/v1/session with your user name and password.");
  return user;
}
