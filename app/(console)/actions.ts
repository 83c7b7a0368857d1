"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SESSION_COOKIE, signOut } from "@/lib/auth/sessions";
import { sharedDatabase } from "@/lib/db/shared";

export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  await signOut(sharedDatabase().sql, jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect("/signin");
}
