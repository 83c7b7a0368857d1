import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SESSION_COOKIE, userForSession, type SessionUser } from "@/lib/auth/sessions";
import { sharedDatabase } from "@/lib/db/shared";

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
