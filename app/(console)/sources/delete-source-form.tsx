"use client";

import { ConfirmDelete } from "@/app/ui/confirm-delete";
import { useFormAction } from "@/app/ui/use-form-action";
import { deleteSourceAction } from "./actions";

/**
 * Deleting says beforehand what would stop it (its servers, the agents imported from it); the refusal itself
 * comes from deleteSource, which also sees what changed since the page was drawn.
 */
export function DeleteSourceForm({ source, schema, servers, agents }: { source: string; schema: string; servers: string[]; agents: number }) {
  const [state, action, pending] = useFormAction(deleteSourceAction);
  const blockers = [
    servers.length > 0 && `${servers.length === 1 ? "the server" : "the servers"} ${servers.join(", ")} belong${servers.length === 1 ? "s" : ""} to it`,
    agents > 0 && `WFM holds ${agents.toLocaleString("en")} agent${agents === 1 ? "" : "s"} imported from it`,
  ].filter(Boolean);
  return (
    <ConfirmDelete noun="source" name={source} action={action} state={state} pending={pending} hidden={{ source }}>
      {blockers.length > 0
        ? `It cannot be deleted while ${blockers.join(" and ")}.`
        : `Its schema ${schema} goes with it, with everything in it.`}
    </ConfirmDelete>
  );
}
