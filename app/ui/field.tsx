import type { ReactNode } from "react";

/** A labelled form field with its error beside it (aria-describedby, announced as it appears), the same everywhere. */
export function Field({ id, label, error, children }: { id: string; label: string; error?: string; children: (props: { id: string; "aria-invalid"?: true; "aria-describedby"?: string }) => ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(error ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {}) })}
      <span id={`${id}-error`} className="field-error" aria-live="polite">
        {error}
      </span>
    </div>
  );
}
