"use client";

import { fieldError } from "@/app/lib/form-state";
import { Field } from "@/app/ui/field";
import { FormActions } from "@/app/ui/form-actions";
import { useFormAction } from "@/app/ui/use-form-action";
import { createServerAction } from "./actions";
import { ServerOptionFields } from "./server-option-fields";

/**
 * Registers a WFM Server before its first start, and says how to start it: a server is a process the
 * console cannot start on another host, so the command line is the next step an administrator needs.
 */
export function NewServerForm({ sources }: { sources: string[] }) {
  const [state, action, pending] = useFormAction(createServerAction);
  const typed = state.values;
  return (
    <form action={action} className="form-grid" noValidate aria-label="New server">
      <Field id="new-server-name" label="Name" error={fieldError(state, "name")}>
        {(props) => <input {...props} name="name" autoComplete="off" defaultValue={typed?.name ?? ""} />}
      </Field>
      <ServerOptionFields idPrefix="new-server" values={{ source: "main", level: 1, timeout: 0, cacheSlack: null, webEvents: false }} state={state} sources={sources} />
      <FormActions label="Create server" pending={pending} state={state} />
      {state.ok && state.command && (
        <div className="field" role="region" aria-label="Start it">
          <p>Start it on the host it runs on (from a checkout of wfm-sync with DATABASE_URL set to this WFM database):</p>
          <pre>
            <code data-testid="start-command">{state.command}</code>
          </pre>
        </div>
      )}
    </form>
  );
}
