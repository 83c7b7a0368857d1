"use client";

import { ConfirmDelete } from "@/app/ui/confirm-delete";
import { useFormAction } from "@/app/ui/use-form-action";
import { deleteSiteAction } from "./actions";

/** Deleting names what happens to the site's agents. */
export function DeleteSiteForm({ siteId, siteName, agentCount }: { siteId: number; siteName: string; agentCount: number }) {
  const [state, action, pending] = useFormAction(deleteSiteAction);
  return (
    <ConfirmDelete noun="site" name={siteName} action={action} state={state} pending={pending} hidden={{ siteId }}>
      {agentCount > 0
        ? `Its ${agentCount.toLocaleString("en")} agents keep their data and have no site until a full sync places them by their logins.`
        : "No agents are in this site."}
    </ConfirmDelete>
  );
}
