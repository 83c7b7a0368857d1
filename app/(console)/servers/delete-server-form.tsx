"use client";

import { useState } from "react";
import { FormStatus } from "@/app/ui/form-status";
import { SubmitButton } from "@/app/ui/submit-button";
import { useFormAction } from "@/app/ui/use-form-action";
import { deleteServerAction } from "./actions";

/** Deleting asks for a second click and says what happens to the server's sites; a running server is refused. */
export function DeleteServerForm({ server, sites, running }: { server: string; sites: number; running: boolean }) {
  const [state, action, pending] = useFormAction(deleteServerAction);
  const [confirming, setConfirming] = useState(false);
  return (
    <form action={action} className="stack" aria-label={`Delete ${server}`} onKeyDown={(event) => event.key === "Escape" && setConfirming(false)}>
      <input type="hidden" name="server" value={server} />
      <p className="muted">
        {running
          ? `${server} is running: stop its processes before deleting it.`
          : sites > 0
            ? `Its ${sites} assigned site${sites === 1 ? "" : "s"} become unassigned (a level-2 server then syncs them). Its sync history stays.`
            : "No site is assigned to it. Its sync history stays."}
      </p>
      {confirming ? (
        <div className="row">
          <SubmitButton className="button small danger" pending={pending} autoFocus>
            {pending ? "Deleting…" : `Delete ${server}`}
          </SubmitButton>
          <button type="button" className="button small secondary" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" className="button small secondary" onClick={() => setConfirming(true)}>
          Delete server…
        </button>
      )}
      <FormStatus state={state} />
    </form>
  );
}
