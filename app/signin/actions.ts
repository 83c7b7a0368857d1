"use server";

import { formAction } from "@/app/lib/form-action";
import { startSession } from "@/app/lib/session";
import { credentialsSchema } from "@/lib/auth/sessions";
import { safeRedirectPath } from "@/lib/auth/redirect";

/** Sign-in: the one action without a session. Missing fields are said beside them, wrong credentials below the button. */
export const signInAction = formAction({
  permission: "public",
  parse: (data) => ({
    credentials: credentialsSchema.parse({ username: data.get("username"), password: data.get("password") }),
    next: data.get("next"),
  }),
  invalid: null,
  run: async ({ input: { credentials, next } }) => {
    await startSession(credentials);
    // Only this console's own paths: an open redirect after sign-in is a phishing aid.
    return { redirect: safeRedirectPath(next) };
  },
});
