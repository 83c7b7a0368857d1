"use client";

import { FormStatus } from "@/app/ui/form-status";
import { useFormAction } from "@/app/ui/use-form-action";
import { signOutAction } from "./actions";

/** The shell's Sign out button; says why, when signing out could not be done (the database out of reach). */
export function SignOutForm() {
  const [state, action] = useFormAction(signOutAction);
  return (
    <form action={action}>
      <button type="submit" className="button link">Sign out</button>
      {!state.ok && <FormStatus state={state} />}
    </form>
  );
}
