"use client";

import { useActionState } from "react";
import { Field } from "@/app/ui/field";
import { createSiteAction, type SiteFormState } from "./actions";

export function NewSiteForm({ timeZones, switches, servers }: { timeZones: string[]; switches: { dbid: number; name: string }[]; servers: string[] }) {
  const [state, action, pending] = useActionState<SiteFormState, FormData>(createSiteAction, { ok: true, message: null, fields: {} });
  return (
    <form action={action} className="form-grid" noValidate aria-label="New site">
      <Field id="site-name" label="Name" error={state.fields.name}>
        {(props) => <input {...props} name="name" type="text" maxLength={100} />}
      </Field>
      <Field id="site-time-zone" label="Time zone" error={state.fields.timeZone}>
        {(props) => (
          <select {...props} name="timeZone" defaultValue="">
            <option value="">— choose —</option>
            {timeZones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="site-switch" label="Switch" error={state.fields.switchDbid}>
        {(props) => (
          <select {...props} name="switchDbid" defaultValue="">
            <option value="">— none —</option>
            {switches.map((s) => (
              <option key={s.dbid} value={s.dbid}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="site-server" label="WFM Server" error={state.fields.server}>
        {(props) => (
          <select {...props} name="server" defaultValue="">
            <option value="">— not assigned —</option>
            {servers.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button small" disabled={pending}>
          Create site
        </button>
        <span role="status" className={state.ok ? "muted" : "field-error"}>
          {state.message}
        </span>
      </div>
    </form>
  );
}
