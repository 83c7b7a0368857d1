"use client";

import { fieldError } from "@/app/lib/form-state";
import { Field } from "@/app/ui/field";
import { FormActions } from "@/app/ui/form-actions";
import { useFormAction } from "@/app/ui/use-form-action";
import { createSourceAction } from "./actions";

/** Adds a local source: only its name, since a local source's schema and feed follow from it. */
export function NewSourceForm() {
  const [state, action, pending] = useFormAction(createSourceAction);
  return (
    <form action={action} className="form-grid" noValidate aria-label="Add a local source">
      <Field id="new-source-name" label="Name" error={fieldError(state, "name")}>
        {(props) => <input {...props} name="name" autoComplete="off" spellCheck={false} placeholder="eu" defaultValue={state.values?.name ?? ""} />}
      </Field>
      <FormActions label="Add source" pending={pending} state={state} />
    </form>
  );
}
