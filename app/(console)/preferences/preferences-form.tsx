"use client";

import { FormStatus } from "@/app/ui/form-status";
import { SubmitButton } from "@/app/ui/submit-button";
import { useFormAction } from "@/app/ui/use-form-action";
import { useViewerZone } from "@/app/ui/viewer-zone";
import { savePreferencesAction } from "./actions";

export function PreferencesForm({ timeZone, zones }: { timeZone: string | null; zones: string[] }) {
  const [state, action, pending] = useFormAction(savePreferencesAction);
  const { zone: shown, pinned } = useViewerZone();
  const error = state.fieldErrors.timeZone;
  return (
    <form action={action} className="stack" aria-label="Preferences">
      <div className="field">
        <label htmlFor="time-zone">Show times in</label>
        <select id="time-zone" name="timeZone" defaultValue={state.values?.timeZone ?? timeZone ?? ""} aria-invalid={error ? true : undefined} aria-describedby="time-zone-help">
          <option value="">My browser&apos;s time zone</option>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
        <span id="time-zone-help" className={error ? "field-error" : "muted small"}>
          {error ?? `Now: ${shown}${pinned ? "" : " (your browser's)"}. Every time in the console names its zone; date filters use days in this zone.`}
        </span>
      </div>
      <div className="row">
        <SubmitButton className="button" pending={pending}>
          Save
        </SubmitButton>
        <FormStatus state={state} />
      </div>
    </form>
  );
}
