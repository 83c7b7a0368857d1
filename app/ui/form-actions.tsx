import { SubmitButton } from "@/app/ui/submit-button";

/** A form's submit button with the answer of its last submission beside it, the same on every form. */
export function FormActions({ label, pending, state }: { label: string; pending: boolean; state: { ok: boolean; message: string | null } }) {
  return (
    <div className="form-actions">
      <SubmitButton className="button small" pending={pending}>
        {label}
      </SubmitButton>
      <span role="status" className={state.ok ? "muted" : "field-error"}>
        {state.message}
      </span>
    </div>
  );
}
