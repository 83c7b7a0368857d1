"use client";

import { ConfirmDelete } from "@/app/ui/confirm-delete";
import { SubmitButton } from "@/app/ui/submit-button";
import { useFormAction } from "@/app/ui/use-form-action";
import { deleteSourceAction } from "./actions";

/**
 * Deleting says beforehand what would stop it (its servers, the agents imported from it); the refusal itself
 * comes from deleteSource, which also sees what changed since the page was drawn. A replicated source's
 * subscription and replication slot go with it; when its Configuration Database cannot be reached, the refusal
 * says so and "Delete anyway" deletes it in WFM, leaving the slot there (the page then says how to drop it).
 */
export function DeleteSourceForm({
  source,
  schema,
  servers,
  agents,
  publisher,
}: {
  source: string;
  schema: string;
  servers: string[];
  agents: number;
  /** A replicated source's Configuration Database, host:port/database; null for a local source. */
  publisher: string | null;
}) {
  const [state, action, pending] = useFormAction(deleteSourceAction);
  const blockers = [
    servers.length > 0 && `${servers.length === 1 ? "the server" : "the servers"} ${servers.join(", ")} belong${servers.length === 1 ? "s" : ""} to it`,
    agents > 0 && `WFM holds ${agents.toLocaleString("en")} agent${agents === 1 ? "" : "s"} imported from it`,
  ].filter(Boolean);
  return (
    <>
      <ConfirmDelete noun="source" name={source} action={action} state={state} pending={pending} hidden={{ source }}>
        {blockers.length > 0
          ? `It cannot be deleted while ${blockers.join(" and ")}.`
          : publisher
            ? `Its schema ${schema} goes with it, with everything in it, and so do its subscription and its replication slot on ${publisher}.`
            : `Its schema ${schema} goes with it, with everything in it.`}
      </ConfirmDelete>
      {state.publisherUnreachable && (
        <form action={action} className="stack" aria-label={`Delete ${source} anyway`}>
          <input type="hidden" name="source" value={source} />
          <input type="hidden" name="force" value="true" />
          <p className="muted">
            Deleting anyway removes {source} from WFM now and leaves its replication slot on {publisher ?? "its Configuration Database"}; the page then
            names the slot and the SQL that drops it there.
          </p>
          <SubmitButton className="button small danger" pending={pending}>
            {pending ? "Deleting…" : "Delete anyway"}
          </SubmitButton>
        </form>
      )}
    </>
  );
}
