"use client";

import { fieldError, type FormState } from "@/app/lib/form-state";
import { Field } from "@/app/ui/field";

/** SynchronizationLevel as the choice it is (SPEC §2.3), each level with what it does. */
export const LEVELS = [
  { level: 0, title: "0 — off", consequence: "nothing is synchronized; the server's cursor keeps up with the feed" },
  { level: 1, title: "1 — assigned sites", consequence: "only agents of the sites assigned to this server; skills imported as its agents need them" },
  { level: 2, title: "2 — everything else", consequence: "every site not assigned to another server, agents without a site, skills, time zones and users" },
] as const;

export interface OptionValues {
  /** The configuration source it synchronizes (SPEC §2.9). */
  source: string;
  level: number;
  timeout: number;
  cacheSlack: number | null;
  webEvents: boolean;
}

/**
 * A server's options as form fields, the same for a new server and an existing one. After a refusal they show
 * what was typed (React resets fields to their defaults after every submission), beside each field's message.
 * `sources`: the configuration sources it may synchronize.
 */
export function ServerOptionFields({ idPrefix, values, state, sources }: { idPrefix: string; values: OptionValues; state: FormState; sources: string[] }) {
  const id = (f: string) => `${idPrefix}-${f}`;
  const typed = state.values;
  const level = typed?.syncLevel !== undefined ? Number(typed.syncLevel) : values.level;
  const levelError = fieldError(state, "syncLevel");
  return (
    <>
      <fieldset className="field choice" aria-describedby={levelError ? id("level-error") : undefined} aria-invalid={levelError ? true : undefined}>
        <legend>SynchronizationLevel</legend>
        {LEVELS.map((choice) => (
          <label key={choice.level} className="choice-option">
            <input type="radio" name="syncLevel" value={choice.level} defaultChecked={level === choice.level} />
            <span>
              <strong>{choice.title}</strong> <span className="muted">{choice.consequence}</span>
            </span>
          </label>
        ))}
        <span id={id("level-error")} className="field-error" aria-live="polite">
          {levelError}
        </span>
      </fieldset>
      <Field id={id("source")} label="Configuration source (its scope is taken within it)" error={fieldError(state, "source")}>
        {(props) => (
          <select {...props} name="source" defaultValue={typed?.source ?? values.source}>
            {sources.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={id("timeout")} label="SynchronizationTimeout (minutes, 0 = start-up only)" error={fieldError(state, "syncTimeoutMinutes")}>
        {(props) => <input {...props} name="syncTimeoutMinutes" type="number" min={0} defaultValue={typed ? typed.syncTimeoutMinutes : values.timeout} />}
      </Field>
      <Field id={id("slack")} label="CacheSlack (seconds; empty = 30, or 600 with web events)" error={fieldError(state, "cacheSlackSeconds")}>
        {(props) => <input {...props} name="cacheSlackSeconds" type="number" min={1} defaultValue={typed ? typed.cacheSlackSeconds : (values.cacheSlack ?? "")} />}
      </Field>
      <div className="field">
        <label className="row">
          <input type="checkbox" name="webEvents" defaultChecked={typed ? typed.webEvents === "on" : values.webEvents} /> Web events (the cache mesh; from the server&apos;s next start)
        </label>
      </div>
    </>
  );
}
