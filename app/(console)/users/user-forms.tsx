"use client";

import { useActionState, useState } from "react";
import { submitWithoutReset } from "@/app/ui/submit-without-reset";
import { createTokenAction, importUsersAction, revokeTokenAction, setPasswordAction, setRoleAction, type UserActionState } from "./actions";
import { SubmitButton } from "@/app/ui/submit-button";

const initial: UserActionState = { ok: true, message: null };
const ROLES = ["viewer", "supervisor", "admin"] as const;

function Status({ state, id }: { state: UserActionState; id?: string }) {
  return (
    <span id={id} role="status" className={state.ok ? "muted" : "field-error"}>
      {state.message}
    </span>
  );
}

export function ImportForm({ candidates }: { candidates: { dbid: number; username: string; firstName: string; lastName: string; isAgent: boolean }[] }) {
  const [state, action, pending] = useActionState(importUsersAction, initial);
  return (
    <form action={action} className="stack" aria-label="Import users">
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
        <Status state={state} />
      </div>
    </form>
  );
}

export function RoleForm({ userId, username, role }: { userId: number; username: string; role: string }) {
  const [state, action, pending] = useActionState(setRoleAction, initial);
  const [chosen, setChosen] = useState(role);
  return (
    <form action={action} onSubmit={submitWithoutReset(action)} className="inline-form">
      <input type="hidden" name="userId" value={userId} />
      <label htmlFor={`role-${userId}`} className="visually-hidden">
        Role of {username}
      </label>
      <select id={`role-${userId}`} name="role" value={chosen} onChange={(e) => setChosen(e.target.value)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <SubmitButton className="button small secondary" pending={pending}>
        Save role
      </SubmitButton>
      <Status state={state} />
    </form>
  );
}

export function PasswordForm({ userId, username }: { userId: number; username: string }) {
  const [state, action, pending] = useActionState(setPasswordAction, initial);
  return (
    <form action={action} className="inline-form">
      <input type="hidden" name="userId" value={userId} />
      <label htmlFor={`password-${userId}`} className="visually-hidden">
        New password for {username}
      </label>
      <input id={`password-${userId}`} name="password" type="password" autoComplete="new-password" placeholder="New password (10+ characters)" minLength={10} aria-invalid={state.ok ? undefined : true} />
      <SubmitButton className="button small secondary" pending={pending}>
        Set password
      </SubmitButton>
      <Status state={state} />
    </form>
  );
}

export function NewTokenForm({ users }: { users: { id: number; username: string; role: string }[] }) {
  const [state, action, pending] = useActionState(createTokenAction, { ...initial, token: null });
  return (
    <form action={action} className="stack" aria-label="New API token" noValidate>
      <div className="row">
        <label className="row">
          Name
          <input name="name" type="text" maxLength={100} placeholder="What uses it" />
        </label>
        <label className="row">
          Acts as
          <select name="userId" defaultValue={users[0]?.id}>
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
      <Status state={state} />
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
  const [state, action, pending] = useActionState(revokeTokenAction, initial);
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
      <Status state={state} />
    </form>
  );
}
