"use client";

import { useActionState } from "react";
import { Field } from "@/app/ui/field";
import { FormActions } from "@/app/ui/form-actions";
import { serverOptionsAction, type OptionsState } from "./actions";

export function OptionsForm({
  server,
  level,
  timeout,
  cacheSlack,
  webEvents,
}: {
  server: string;
  level: number;
  timeout: number;
  cacheSlack: number | null;
  webEvents: boolean;
}) {
  const [state, action, pending] = useActionState<OptionsState, FormData>(serverOptionsAction, { ok: true, message: null, fields: {} });
  const id = (f: string) => `${server}-${f}`;
  return (
    <form action={action} className="form-grid" noValidate aria-label={`Options of ${server}`}>
      <input type="hidden" name="server" value={server} />
      <Field id={id("level")} label="SynchronizationLevel (0, 1 or 2): 0 off · 1 its assigned sites · 2 every site not assigned elsewhere" error={state.fields.syncLevel}>
        {(props) => <input {...props} name="syncLevel" type="number" min={0} max={2} defaultValue={level} />}
      </Field>
      <Field id={id("timeout")} label="SynchronizationTimeout (minutes, 0 = start-up only)" error={state.fields.syncTimeoutMinutes}>
        {(props) => <input {...props} name="syncTimeoutMinutes" type="number" min={0} defaultValue={timeout} />}
      </Field>
      <Field id={id("slack")} label="CacheSlack (seconds; empty = 30, or 600 with web events)" error={state.fields.cacheSlackSeconds}>
        {(props) => <input {...props} name="cacheSlackSeconds" type="number" min={1} defaultValue={cacheSlack ?? ""} />}
      </Field>
      <div className="field">
        <label className="row">
          <input type="checkbox" name="webEvents" defaultChecked={webEvents} /> Web events (the cache mesh; from the server&apos;s next start)
        </label>
      </div>
      <FormActions label="Save options" pending={pending} state={state} />
    </form>
  );
}
