"use client";

import { useState } from "react";
import { fieldError, type FormState } from "@/app/lib/form-state";
import { Field } from "@/app/ui/field";
import { FormActions } from "@/app/ui/form-actions";
import { submitWithoutReset } from "@/app/ui/submit-without-reset";
import { useFormAction } from "@/app/ui/use-form-action";
import { saveSiteAction } from "./actions";

export interface SiteFormValues {
  id: number;
  name: string;
  timeZone: string;
  switchSource: string | null;
  switchDbid: number | null;
  server: string | null;
}

/** A switch choice of the picker: its source, its dbid there, its name. */
export interface SwitchOption {
  source: string;
  dbid: number;
  name: string;
}

const emptyValues = { name: "", timeZone: "", switchDbid: "", server: "" };

/** The picker's value for a switch: `source:dbid`, one value naming both (dbids repeat across sources). */
const switchValue = (s: { source: string | null; dbid: number | null }) => (s.dbid === null ? "" : `${s.source ?? "main"}:${s.dbid}`);

/** The switches grouped by source, in the order given (main first). */
function bySource(switches: SwitchOption[]): [string, SwitchOption[]][] {
  const groups = new Map<string, SwitchOption[]>();
  for (const s of switches) groups.set(s.source, [...(groups.get(s.source) ?? []), s]);
  return [...groups];
}

/**
 * New site, or Edit site when `site` is given: the same fields, checks and messages by each field. The fields
 * keep what was typed when a save is refused; a new site's form empties once the site is created.
 */
export function SiteForm({
  site,
  timeZones,
  switches,
  servers,
}: {
  site?: SiteFormValues;
  timeZones: string[];
  switches: SwitchOption[];
  servers: string[];
}) {
  const [values, setValues] = useState(
    site ? { name: site.name, timeZone: site.timeZone, switchDbid: switchValue({ source: site.switchSource, dbid: site.switchDbid }), server: site.server ?? "" } : emptyValues,
  );
  const [state, action, pending] = useFormAction(async (previous: FormState, data: FormData) => {
    const next = await saveSiteAction(previous, data);
    if (next.ok && !site) setValues(emptyValues);
    return next;
  });
  const set = (field: keyof typeof emptyValues) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [field]: event.target.value }));
  // Editing posts only the fields changed here, so a save never puts back what another admin changed meanwhile.
  const initial = site ? { name: site.name, timeZone: site.timeZone, switchDbid: switchValue({ source: site.switchSource, dbid: site.switchDbid }), server: site.server ?? "" } : null;
  const posted = (field: keyof typeof emptyValues) => (!initial || values[field] !== initial[field] ? field : undefined);
  const prefix = site ? `site-${site.id}` : "site";
  return (
    <form action={action} onSubmit={submitWithoutReset(action)} className="form-grid" noValidate aria-label={site ? "Edit site" : "New site"}>
      {site && <input type="hidden" name="siteId" value={site.id} />}
      <Field id={`${prefix}-name`} label="Name" error={fieldError(state, "name")}>
        {(props) => <input {...props} name={posted("name")} type="text" maxLength={100} value={values.name} onChange={set("name")} />}
      </Field>
      <Field id={`${prefix}-time-zone`} label="Time zone" error={fieldError(state, "timeZone")}>
        {(props) => (
          <select {...props} name={posted("timeZone")} value={values.timeZone} onChange={set("timeZone")}>
            <option value="">— choose —</option>
            {timeZones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={`${prefix}-switch`} label="Switch" error={fieldError(state, "switchDbid") ?? fieldError(state, "switchSource")}>
        {(props) => (
          <select {...props} name={posted("switchDbid")} value={values.switchDbid} onChange={set("switchDbid")}>
            <option value="">— none —</option>
            {/* Grouped by source: the same name may be a switch of two sources, and a site's server must sync its switch's source. */}
            {bySource(switches).map(([source, group]) => (
              <optgroup key={source} label={source}>
                {group.map((s) => (
                  <option key={switchValue(s)} value={switchValue(s)}>
                    {s.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        )}
      </Field>
      <Field id={`${prefix}-server`} label="WFM Server" error={fieldError(state, "server")}>
        {(props) => (
          <select {...props} name={posted("server")} value={values.server} onChange={set("server")}>
            <option value="">— not assigned —</option>
            {servers.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormActions label={site ? "Save site" : "Create site"} pending={pending} state={state} />
    </form>
  );
}
