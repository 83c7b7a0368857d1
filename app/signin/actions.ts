"use server";

import { z } from "zod";
import { redirect } from "next/navigation";
import { startSession } from "@/app/lib/session";
import { credentialsSchema } from "@/lib/auth/sessions";
import { toDomainError } from "@/lib/errors";

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
    await startSession(parsed.data);
  } catch (error) {
    const known = toDomainError(error);
    if (known) return { message: known.message, username };
    throw error;
  }
  redirect(safeNext(formData.get("next")));
}

/** Only same-site paths: an open redirect after sign-in is a phishing aid. */
function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === "string" ? value : "";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}
