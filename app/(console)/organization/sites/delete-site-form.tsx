"use client";

import { useState } from "react";
import { FormStatus } from "@/app/ui/form-status";
import { useFormAction } from "@/app/ui/use-form-action";
import { deleteSiteAction } from "./actions";
import { SubmitButton } from "@/app/ui/submit-button";

/** Deleting asks for a second click, naming what happens to the site's agents. */
export function DeleteSiteForm({ siteId, siteName, agentCount }: { siteId: number; siteName: string; agentCount: number }) {
  const [state, action, pending] = useFormAction(deleteSiteAction);
  const [confirming, setConfirming] = useState(false);
  return (
    <form action={action} className="stack" onKeyDown={(event) => event.key === "Escape" && setConfirming(false)}>
      <input type="hidden" name="siteId" value={siteId} />
      <p className="muted">
        {agentCount > 0
          ? `Its ${agentCount.toLocaleString()} agents keep their data and have no site until a full sync places them by their logins.`
          : "No agents are in this site."}
      </p>
      {confirming ? (
        <div className="row">
          <SubmitButton className="button small danger" pending={pending} autoFocus>
            {pending ? "Deleting…" : `Delete ${siteName}`}
          </SubmitButton>
          <button type="button" className="button small secondary" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" className="button small secondary" onClick={() => setConfirming(true)}>
          Delete site…
        </button>
      )}
      <FormStatus state={state} />
    </form>
  );
}
