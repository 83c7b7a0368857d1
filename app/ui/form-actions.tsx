import type { FormState } from "@/app/lib/form-state";
import { FormStatus } from "@/app/ui/form-status";
import { SubmitButton } from "@/app/ui/submit-button";

/** A form's submit button with the answer of its last submission beside it, the same on every form. */
export function FormActions({ label, pending, state }: { label: string; pending: boolean; state: Pick<FormState, "ok" | "message"> }) {
  return (
    <div className="form-actions">
      <SubmitButton className="button small" pending={pending}>
        {label}
      </SubmitButton>
      <FormStatus state={state} />
    </div>
  );
}
