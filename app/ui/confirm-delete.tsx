"use client";

import { useState, type ReactNode } from "react";
import type { FormState } from "@/app/lib/form-state";
import { FormStatus } from "@/app/ui/form-status";
import { SubmitButton } from "@/app/ui/submit-button";

/**
 * Deleting asks for a second click: "Delete site…" first, then "Delete Denver" (which takes the focus) or
 * "Keep it"; Escape cancels. What happens to what depends on the object is said above the buttons.
 */
export function ConfirmDelete({
  noun,
  name,
  action,
  state,
  pending,
  hidden,
  children,
}: {
  noun: string;
  name: string;
  action: (data: FormData) => void;
  state: FormState;
  pending: boolean;
  hidden: Record<string, string | number>;
  children: ReactNode;
}) {
  const [confirming, setConfirming] = useState(false);
  return (
    <form action={action} className="stack" aria-label={`Delete ${name}`} onKeyDown={(event) => event.key === "Escape" && setConfirming(false)}>
      {Object.entries(hidden).map(([field, value]) => (
        <input key={field} type="hidden" name={field} value={value} />
      ))}
      <p className="muted">{children}</p>
      {confirming ? (
        <div className="row">
          <SubmitButton className="button small danger" pending={pending} autoFocus>
            {pending ? "Deleting…" : `Delete ${name}`}
          </SubmitButton>
          <button type="button" className="button small secondary" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" className="button small secondary" onClick={() => setConfirming(true)}>
          Delete {noun}…
        </button>
      )}
      <FormStatus state={state} />
    </form>
  );
}
