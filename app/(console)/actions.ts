"use server";

import { formAction } from "@/app/lib/form-action";
import { endSession } from "@/app/lib/session";

/** Sign out: public, so a session that has already ended still signs out (to the sign-in page). */
export const signOutAction = formAction({
  permission: "public",
  run: async () => {
    await endSession();
    return { redirect: "/signin" };
  },
});
