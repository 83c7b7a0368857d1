/** A form's submit button with the answer of its last submission beside it, the same on every form. */
export function FormActions({ label, pending, state }: { label: string; pending: boolean; state: { ok: boolean; message: string | null } }) {
  return (
    <div className="form-actions">
      <button type="submit" className="button small" disabled={pending}>
        {label}
      </button>
      <span role="status" className={state.ok ? "muted" : "field-error"}>
        {state.message}
      </span>
    </div>
  );
}
