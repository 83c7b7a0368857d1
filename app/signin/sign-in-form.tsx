"use client";

import { fieldError } from "@/app/lib/form-state";
import { Field } from "@/app/ui/field";
import { SubmitButton } from "@/app/ui/submit-button";
import { useFormAction } from "@/app/ui/use-form-action";
import { signInAction } from "./actions";

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useFormAction(signInAction);
  return (
    <form action={action} noValidate>
      <input type="hidden" name="next" value={next} />
      <Field id="username" label="User name" error={fieldError(state, "username")}>
        {(props) => <input {...props} name="username" autoComplete="username" required defaultValue={state.values?.username} />}
      </Field>
      <Field id="password" label="Password" error={fieldError(state, "password")}>
        {(props) => <input {...props} name="password" type="password" autoComplete="current-password" required />}
      </Field>
      <SubmitButton className="button" pending={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </SubmitButton>
      {/* Below the button, so the fields do not move under the user when it appears. */}
      <div aria-live="polite" className="signin-message">
        {state.message && (
          <p className="alert error" role="alert">
            {state.message}
          </p>
        )}
      </div>
    </form>
  );
}
