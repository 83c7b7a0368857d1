import type { FormState } from "@/app/lib/form-state";

/**
 * The answer of a form's last submission, the same on every form: muted when it succeeded, an error when it
 * was refused. Give it an id for the field it is about to name it in aria-describedby.
 */
export function FormStatus({ state, id, block = false, shown = true }: { state: Pick<FormState, "ok" | "message">; id?: string; block?: boolean; shown?: boolean }) {
  const Tag = block ? "p" : "span";
  return (
    <Tag id={id} role="status" className={state.ok ? "muted" : "field-error"}>
      {shown ? state.message : null}
    </Tag>
  );
}
