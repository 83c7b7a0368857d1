"use client";

import { useState } from "react";
import type { FormState } from "@/app/lib/form-state";
import { FormStatus } from "@/app/ui/form-status";
import { useFormAction } from "@/app/ui/use-form-action";
import { submitWithoutReset } from "@/app/ui/submit-without-reset";
import { createTokenAction, importUsersAction, revokeTokenAction, setPasswordAction, setRoleAction } from "./actions";
import { SubmitButton } from "@/app/ui/submit-button";

const ROLES = ["viewer", "supervisor", "admin"] as const;

/** A one-field form's control: marked invalid when its field was refused, and described by the form's status. */
const refusedField = (state: FormState, field: string, statusId: string) =>
  state.fieldErrors[field] ? { "aria-invalid": true as const, "aria-describedby": statusId } : {};

/** Users > Import: the persons of one configuration source (`source`), imported by their dbid there. */
export function ImportForm({ candidates, source }: { candidates: { dbid: number; username: string; firstName: string; lastName: string; isAgent: boolean }[]; source: string }) {
  const [state, action, pending] = useFormAction(importUsersAction);
  return (
    <form action={action} className="stack" aria-label="Import users">
      <input type="hidden" name="source" value={source} />
      {candidates.length === 0 ? (
        <p className="muted">Nobody in the Configuration Database matches who is not a user already.</p>
      ) : (
        <ul className="plain">
          {candidates.map((c) => (
            <li key={c.dbid}>
              <label className="row">
                <input type="checkbox" name="cfgDbid" value={c.dbid} /> {`${c.firstName} ${c.lastName}`.trim()} ({c.username}){c.isAgent ? ", agent" : ""}
              </label>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <label className="row">
          Role
          <select name="role" defaultValue="viewer">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <SubmitButton className="button small" pending={pending}>
          Import
        </SubmitButton>
        <FormStatus state={state} />
      </div>
    </form>
  );
}

export function RoleForm({ userId, username, role }: { userId: number; username: string; role: string }) {
  const [state, action, pending] = useFormAction(setRoleAction);
  const [chosen, setChosen] = useState(role);
  const statusId = `role-${userId}-status`;
  return (
    <form action={action} onSubmit={submitWithoutReset(action)} className="inline-form">
      <input type="hidden" name="userId" value={userId} />
      <label htmlFor={`role-${userId}`} className="visually-hidden">
        Role of {username}
      </label>
      <select id={`role-${userId}`} name="role" value={chosen} onChange={(e) => setChosen(e.target.value)} {...refusedField(state, "role", statusId)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <SubmitButton className="button small secondary" pending={pending}>
        Save role
      </SubmitButton>
      <FormStatus state={state} id={statusId} />
    </form>
  );
}

export function PasswordForm({ userId, username }: { userId: number; username: string }) {
  const [state, action, pending] = useFormAction(setPasswordAction);
  const statusId = `password-${userId}-status`;
  return (
    <form action={action} className="inline-form">
      <input type="hidden" name="userId" value={userId} />
      <label htmlFor={`password-${userId}`} className="visually-hidden">
        New password for {username}
      </label>
      <input id={`password-${userId}`} name="password" type="password" autoComplete="new-password" placeholder="New password (10+ characters)" minLength={10} {...refusedField(state, "password", statusId)} />
      <SubmitButton className="button small secondary" pending={pending}>
        Set password
      </SubmitButton>
      <FormStatus state={state} id={statusId} />
    </form>
  );
}

export function NewTokenForm({ users }: { users: { id: number; username: string; role: string }[] }) {
  const [state, action, pending] = useFormAction(createTokenAction);
  const statusId = "new-token-status";
  return (
    <form action={action} className="stack" aria-label="New API token" noValidate>
      <div className="row">
        <label className="row">
          Name
          <input name="name" type="text" maxLength={100} placeholder="What uses it" defaultValue={state.values?.name ?? ""} {...refusedField(state, "name", statusId)} />
        </label>
        <label className="row">
          Acts as
          <select name="userId" defaultValue={users[0]?.id} {...refusedField(state, "userId", statusId)}>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.username} ({u.role})
              </option>
            ))}
          </select>
        </label>
        <SubmitButton className="button small" pending={pending}>
          Create token
        </SubmitButton>
      </div>
      <FormStatus state={state} id={statusId} />
      {state.token && <NewToken token={state.token} />}
    </form>
  );
}

/** The token, shown once: with a copy button, since it cannot be shown again. */
function NewToken({ token }: { token: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="alert info new-token" role="status">
      <p>Copy this token now: only its hash is kept, so it cannot be shown again. Send it as <code>Authorization: Bearer …</code>.</p>
      <p className="row">
        <code data-testid="new-token">{token}</code>
        <button
          type="button"
          className="button small secondary"
          onClick={() => navigator.clipboard?.writeText(token).then(() => setCopied(true), () => setCopied(false))}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </p>
    </div>
  );
}

/** Revoking asks for a second click: a revoked token stops working at once for whatever uses it. */
export function RevokeTokenForm({ tokenId, name }: { tokenId: number; name: string }) {
  const [state, action, pending] = useFormAction(revokeTokenAction);
  const [confirming, setConfirming] = useState(false);
  return (
    <form action={action} className="inline-form" onKeyDown={(event) => event.key === "Escape" && setConfirming(false)}>
      <input type="hidden" name="tokenId" value={tokenId} />
      {confirming ? (
        <>
          <SubmitButton className="button small danger" aria-label={`Revoke token ${name} now`} pending={pending} autoFocus>
            {pending ? "Revoking…" : "Revoke now"}
          </SubmitButton>
          <button type="button" className="button small secondary" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </>
      ) : (
        <button type="button" className="button small secondary" onClick={() => setConfirming(true)} aria-label={`Revoke token ${name}`}>
          Revoke…
        </button>
      )}
      <FormStatus state={state} />
    </form>
  );
}
