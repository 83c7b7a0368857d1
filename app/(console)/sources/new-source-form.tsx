"use client";

import { useState } from "react";
import { fieldError } from "@/app/lib/form-state";
import { Field } from "@/app/ui/field";
import { FormActions } from "@/app/ui/form-actions";
import { useFormAction } from "@/app/ui/use-form-action";
import { createSourceAction } from "./actions";

type Kind = "local" | "replicated";

const KINDS: { kind: Kind; title: string; meaning: string }[] = [
  { kind: "local", title: "Local", meaning: "a schema in this database, written through the config API or SQL" },
  { kind: "replicated", title: "Replicated from its own PostgreSQL", meaning: "copied from its Configuration Database by PostgreSQL's logical replication" },
];

/**
 * Adds a source: its name and kind, and for a replicated one the connection to its Configuration Database. The
 * connection is kept here, in the browser, across a refusal: the server never sends it (or its password) back.
 */
export function NewSourceForm() {
  const [state, action, pending] = useFormAction(createSourceAction);
  const [kind, setKind] = useState<Kind>("local");
  const [connection, setConnection] = useState("");
  // A source added: its connection is not left on the screen (the "adjust state on a new answer" pattern).
  const [answered, setAnswered] = useState(state);
  if (answered !== state) {
    setAnswered(state);
    if (state.ok && state.message) setConnection("");
  }
  const connectionError = fieldError(state, "connection");
  return (
    <form action={action} className="form-grid" noValidate aria-label={kind === "replicated" ? "Add a replicated source" : "Add a local source"}>
      <fieldset className="field choice">
        <legend>Kind</legend>
        {KINDS.map((choice) => (
          <label key={choice.kind} className="choice-option">
            {/* defaultChecked, kept equal to the choice: React resets a form's fields to their defaults after each submission. */}
            <input type="radio" name="kind" value={choice.kind} defaultChecked={kind === choice.kind} onChange={() => setKind(choice.kind)} />
            <span>
              <strong>{choice.title}</strong> <span className="muted">— {choice.meaning}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <Field id="new-source-name" label="Name" error={fieldError(state, "name")}>
        {(props) => <input {...props} name="name" autoComplete="off" spellCheck={false} placeholder="eu" defaultValue={state.values?.name ?? ""} />}
      </Field>
      {kind === "replicated" && (
        <div className="replicated-connection" style={{ gridColumn: "1 / -1" }}>
          <Field id="new-source-connection" label="Connection to its Configuration Database" error={connectionError}>
            {(props) => (
              <input
                {...props}
                aria-describedby={["new-source-connection-hint", props["aria-describedby"]].filter(Boolean).join(" ")}
                name="connection"
                type="text"
                autoComplete="off"
                autoCapitalize="off"
                spellCheck={false}
                placeholder="postgres://wfm_replicator:…@cfg-host:5432/configdb"
                value={connection}
                onChange={(event) => setConnection(event.target.value)}
              />
            )}
          </Field>
          <p id="new-source-connection-hint" className="muted">
            A PostgreSQL URL, <code>postgres://user:password@host:5432/database</code>, as this WFM database&apos;s server reaches it. Run{" "}
            <code>npm run cfg-source -- init --url … --name &lt;name&gt;</code> on that database first, with the same name; the user needs REPLICATION
            (init&apos;s <code>--grant-to</code> gives it read access). The password is kept for the subscription and never shown again.
          </p>
        </div>
      )}
      <FormActions label="Add source" pending={pending} state={state} />
    </form>
  );
}
