"use client";

import { useState } from "react";
import { FormStatus } from "@/app/ui/form-status";
import { submitWithoutReset } from "@/app/ui/submit-without-reset";
import { useFormAction } from "@/app/ui/use-form-action";
import { moveAgentAction, syncNowAction, terminationAction } from "./actions";
import { SubmitButton } from "@/app/ui/submit-button";

export function TerminationForm({ agentId, date, today }: { agentId: number; date: string | null; today: string }) {
  const [state, action, pending] = useFormAction(terminationAction);
  const [checked, setChecked] = useState(date !== null);
  const [value, setValue] = useState(date ?? today);
  return (
    <form
      action={action}
      onSubmit={submitWithoutReset(action)}
      className="stack"
      noValidate
    >
      <input type="hidden" name="agentId" value={agentId} />
      <label className="row">
        <input type="checkbox" name="terminated" checked={checked} onChange={(e) => setChecked(e.target.checked)} /> Termination Date
      </label>
      <div className="row">
        <label htmlFor="terminationDate" className="visually-hidden">
          Termination date
        </label>
        <input
          id="terminationDate"
          name="terminationDate"
          type="date"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          disabled={!checked}
          aria-invalid={state.fieldErrors.terminationDate ? true : undefined}
          aria-describedby="termination-status"
        />
        <SubmitButton className="button small" pending={pending}>
          {pending ? "Saving…" : "Save"}
        </SubmitButton>
      </div>
      <FormStatus state={state} id="termination-status" block />
    </form>
  );
}

export function SyncNowForm({ agentId }: { agentId: number }) {
  const [state, action, pending] = useFormAction(syncNowAction);
  return (
    <form action={action} className="row inline-form">
      <input type="hidden" name="agentId" value={agentId} />
      <SubmitButton className="button small secondary" pending={pending}>
        {pending ? "Synchronizing…" : "Sync now"}
      </SubmitButton>
      <FormStatus state={state} />
    </form>
  );
}

export function MoveAgentForm({ agentId, siteId, sites }: { agentId: number; siteId: number | null; sites: { id: number; name: string }[] }) {
  const [state, action, pending] = useFormAction(moveAgentAction);
  const [value, setValue] = useState(siteId === null ? "" : String(siteId));
  return (
    <form action={action} onSubmit={submitWithoutReset(action)} className="row inline-form" noValidate>
      <input type="hidden" name="agentId" value={agentId} />
      <label htmlFor="move-site">Move to site</label>
      <select
        id="move-site"
        name="siteId"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        aria-invalid={state.fieldErrors.siteId ? true : undefined}
        aria-describedby="move-status"
      >
        <option value="">— no site —</option>
        {sites.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
      <SubmitButton className="button small secondary" pending={pending} blocked={value === (siteId === null ? "" : String(siteId))}>
        {pending ? "Moving…" : "Move"}
      </SubmitButton>
      <FormStatus state={state} id="move-status" />
    </form>
  );
}
