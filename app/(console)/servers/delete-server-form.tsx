"use client";

import { ConfirmDelete } from "@/app/ui/confirm-delete";
import { useFormAction } from "@/app/ui/use-form-action";
import { deleteServerAction } from "./actions";

/** Deleting says what happens to the server's sites; a running server is refused, and this says so first. */
export function DeleteServerForm({ server, sites, running }: { server: string; sites: number; running: boolean }) {
  const [state, action, pending] = useFormAction(deleteServerAction);
  return (
    <ConfirmDelete noun="server" name={server} action={action} state={state} pending={pending} hidden={{ server }}>
      {running
        ? `${server} is running: stop its processes before deleting it.`
        : sites > 0
          ? `Its ${sites} assigned site${sites === 1 ? "" : "s"} become unassigned (a level-2 server then syncs them). Its sync history stays.`
          : "No site is assigned to it. Its sync history stays."}
    </ConfirmDelete>
  );
}
