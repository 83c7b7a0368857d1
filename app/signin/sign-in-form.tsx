"use client";

import { useActionState } from "react";
import { signInAction, type SignInState } from "./actions";
import { SubmitButton } from "@/app/ui/submit-button";

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={action} noValidate>
      <input type="hidden" name="next" value={next} />
      <div className="field">
        <label htmlFor="username">User name</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          required
          defaultValue={state.username}
          aria-invalid={Boolean(state.errors?.username)}
          aria-describedby="username-error"
        />
        <span id="username-error" className="field-error" aria-live="polite">{state.errors?.username?.[0]}</span>
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={Boolean(state.errors?.password)}
          aria-describedby="password-error"
        />
        <span id="password-error" className="field-error" aria-live="polite">{state.errors?.password?.[0]}</span>
      </div>
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
