"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { redirect } from "next/navigation";
import { credentialsSchema, SESSION_COOKIE, signIn } from "@/lib/auth/sessions";
import { sharedDatabase } from "@/lib/db/shared";
import { DomainError } from "@/lib/errors";

export interface SignInState {
  message?: string;
  errors?: { username?: string[]; password?: string[] };
  username?: string;
}

export async function signInAction(_previous: SignInState, formData: FormData): Promise<SignInState> {
  const parsed = credentialsSchema.safeParse({ username: formData.get("username"), password: formData.get("password") });
  const username = typeof formData.get("username") === "string" ? String(formData.get("username")) : "";
  if (!parsed.success) {
    return { errors: z.flattenError(parsed.error).fieldErrors, username };
  }
  try {
    const session = await signIn(sharedDatabase().sql, parsed.data);
    (await cookies()).set(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: "lax",
      secure: process.env.WFM_SECURE_COOKIES === "1",
      path: "/",
      expires: session.expiresAt,
    });
  } catch (error) {
    if (error instanceof DomainError) return { message: error.message, username };
    throw error;
  }
  redirect(safeNext(formData.get("next")));
}

/** Only same-site paths: an open redirect after sign-in is a phishing aid. */
function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === "string" ? value : "";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}
