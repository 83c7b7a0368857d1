"use client";

import { useActionState } from "react";
import { idleForm, type FormState } from "@/app/lib/form-state";

/**
 * useActionState for a formAction (app/lib/form-action.ts): starts idle, and takes the state's type from the
 * action, so a form reads what its action answers (a run id, a token) without restating it.
 */
export function useFormAction<S extends FormState>(action: (previous: S, data: FormData) => Promise<S>) {
  // A FormState is no promise, so Awaited<S> is S: TypeScript cannot see that of a type parameter.
  return useActionState<S, FormData>(action as (previous: Awaited<S>, data: FormData) => Promise<S>, idleForm as Awaited<S>);
}
