"use client";

import { useEffect, useState } from "react";
import type { FormState } from "@/app/lib/form-state";
import { FormStatus } from "@/app/ui/form-status";
import { submitWithoutReset } from "@/app/ui/submit-without-reset";
import { useFormAction } from "@/app/ui/use-form-action";
import { effectiveServer, type ServerState } from "@/lib/console/effective-server";
import { assignSiteAction } from "./actions";
import { SubmitButton } from "@/app/ui/submit-button";

/**
 * The site's WFM Server, changeable inline: a select and a Save button (it works without JavaScript too).
 * `switchSource`: the source of the site's switch, so a server of another source is cautioned against before saving.
 */
export function SiteServerForm({
  siteId,
  siteName,
  server,
  servers,
  switchSource = null,
}: {
  siteId: number;
  siteName: string;
  server: string | null;
  servers: ServerState[];
  switchSource?: string | null;
}) {
  const [state, action, pending] = useFormAction(assignSiteAction);
  const [chosen, setChosen] = useState(server ?? "");
  // Assigned elsewhere (the bulk form, another admin): show the new server, keeping this form's own message.
  const [shown, setShown] = useState(server);
  const [submitted, setSubmitted] = useState<string | null | undefined>(undefined);
  const [outdated, setOutdated] = useState(false);
  if (server !== shown) {
    setShown(server);
    setChosen(server ?? "");
    // Changed by someone else than this form's last save: its message described what no longer holds.
    setOutdated(server !== submitted);
  }
  // A success message in a table row makes the row taller: it goes after a few seconds, so the table settles.
  const [seen, setSeen] = useState<FormState | null>(null);
  useEffect(() => {
    if (!state.ok || !state.message) return;
    const timer = setTimeout(() => setSeen(state), 6000);
    return () => clearTimeout(timer);
  }, [state]);
  const id = `site-${siteId}-server`;
  const caution = chosen !== (server ?? "") ? effectiveServer(chosen === "" ? null : chosen, servers, switchSource).warning : null;
  return (
    <form
      action={action}
      onSubmit={(event) => {
        setSubmitted(chosen === "" ? null : chosen);
        setOutdated(false);
        submitWithoutReset(action)(event);
      }}
      className="inline-form"
    >
      <input type="hidden" name="siteId" value={siteId} />
      <label htmlFor={id} className="visually-hidden">
        WFM Server of {siteName}
      </label>
      <select id={id} name="server" value={chosen} onChange={(e) => setChosen(e.target.value)} aria-describedby={`${id}-status`} aria-invalid={state.fieldErrors.server ? true : undefined}>
        <option value="">— not assigned —</option>
        {servers.map(({ name }) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <SubmitButton className="button small" pending={pending}>
        {pending ? "Saving…" : "Save"}
      </SubmitButton>
      {/* Before saving: what the chosen server would mean for the site's agents. */}
      {caution && (
        <span className="field-error" aria-live="polite" id={`${id}-caution`} data-testid="assignment-caution">
          If saved: {caution}.
        </span>
      )}
      <FormStatus state={state} id={`${id}-status`} shown={!outdated && seen !== state} />
    </form>
  );
}
