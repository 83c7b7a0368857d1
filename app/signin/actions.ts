"use server";

import { z } from "zod";
import { redirect } from "next/navigation";
import { startSession } from "@/app/lib/session";
import { credentialsSchema } from "@/lib/auth/sessions";
import { safeRedirectPath } from "@/lib/auth/redirect";
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
  // Only this console's own paths: an open redirect after sign-in is a phishing aid.
  redirect(safeRedirectPath(formData.get("next")));
}
