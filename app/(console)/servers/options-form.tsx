"use client";

import { fieldError } from "@/app/lib/form-state";
import { Field } from "@/app/ui/field";
import { FormActions } from "@/app/ui/form-actions";
import { useFormAction } from "@/app/ui/use-form-action";
import { serverOptionsAction } from "./actions";

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
  const [state, action, pending] = useFormAction(serverOptionsAction);
  const id = (f: string) => `${server}-${f}`;
  // After a refusal the fields show what was typed (React resets them to their defaults after every submission).
  const typed = state.values;
  return (
    <form action={action} className="form-grid" noValidate aria-label={`Options of ${server}`}>
      <input type="hidden" name="server" value={server} />
      <Field id={id("level")} label="SynchronizationLevel (0, 1 or 2): 0 off · 1 its assigned sites · 2 every site not assigned elsewhere" error={fieldError(state, "syncLevel")}>
        {(props) => <input {...props} name="syncLevel" type="number" min={0} max={2} defaultValue={typed ? typed.syncLevel : level} />}
      </Field>
      <Field id={id("timeout")} label="SynchronizationTimeout (minutes, 0 = start-up only)" error={fieldError(state, "syncTimeoutMinutes")}>
        {(props) => <input {...props} name="syncTimeoutMinutes" type="number" min={0} defaultValue={typed ? typed.syncTimeoutMinutes : timeout} />}
      </Field>
      <Field id={id("slack")} label="CacheSlack (seconds; empty = 30, or 600 with web events)" error={fieldError(state, "cacheSlackSeconds")}>
        {(props) => <input {...props} name="cacheSlackSeconds" type="number" min={1} defaultValue={typed ? typed.cacheSlackSeconds : (cacheSlack ?? "")} />}
      </Field>
      <div className="field">
        <label className="row">
          <input type="checkbox" name="webEvents" defaultChecked={typed ? typed.webEvents === "on" : webEvents} /> Web events (the cache mesh; from the server&apos;s next start)
        </label>
      </div>
      <FormActions label="Save options" pending={pending} state={state} />
    </form>
  );
}
