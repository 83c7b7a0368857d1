"use client";

import { useActionState } from "react";
import { Field } from "@/app/ui/field";
import { saveSiteAction, type SiteFormState } from "./actions";

export interface SiteFormValues {
  id: number;
  name: string;
  timeZone: string;
  switchDbid: number | null;
  server: string | null;
}

/** New site, or Edit site when `site` is given: the same fields, checks and messages by each field. */
export function SiteForm({
  site,
  timeZones,
  switches,
  servers,
}: {
  site?: SiteFormValues;
  timeZones: string[];
  switches: { dbid: number; name: string }[];
  servers: string[];
}) {
  const [state, action, pending] = useActionState<SiteFormState, FormData>(saveSiteAction, { ok: true, message: null, fields: {} });
  const prefix = site ? `site-${site.id}` : "site";
  return (
    <form action={action} className="form-grid" noValidate aria-label={site ? `Edit site ${site.name}` : "New site"}>
      {site && <input type="hidden" name="siteId" value={site.id} />}
      <Field id={`${prefix}-name`} label="Name" error={state.fields.name}>
        {(props) => <input {...props} name="name" type="text" maxLength={100} defaultValue={site?.name} />}
      </Field>
      <Field id={`${prefix}-time-zone`} label="Time zone" error={state.fields.timeZone}>
        {(props) => (
          <select {...props} name="timeZone" defaultValue={site?.timeZone ?? ""}>
            <option value="">— choose —</option>
            {timeZones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={`${prefix}-switch`} label="Switch" error={state.fields.switchDbid}>
        {(props) => (
          <select {...props} name="switchDbid" defaultValue={site?.switchDbid ?? ""}>
            <option value="">— none —</option>
            {switches.map((s) => (
              <option key={s.dbid} value={s.dbid}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={`${prefix}-server`} label="WFM Server" error={state.fields.server}>
        {(props) => (
          <select {...props} name="server" defaultValue={site?.server ?? ""}>
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
          {site ? "Save site" : "Create site"}
        </button>
        <span role="status" className={state.ok ? "muted" : "field-error"}>
          {state.message}
        </span>
      </div>
    </form>
  );
}
