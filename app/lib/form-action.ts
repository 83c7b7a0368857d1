import "server-only";
import { revalidatePath } from "next/cache";
import { redirect, unstable_rethrow } from "next/navigation";
import { ZodError, type z } from "zod";
import { verifySession } from "@/app/lib/session";
import { authorize, type Permission } from "@/lib/auth/roles";
import type { SessionUser } from "@/lib/auth/sessions";
import type { Sql } from "@/lib/db/client";
import { sharedDatabase } from "@/lib/db/shared";
import { DomainError, toDomainError, zodDetails } from "@/lib/errors";
import type { FormState } from "./form-state";

/**
 * The one wrapper behind every server action of the console. Every server action is a public POST endpoint,
 * whatever page offers it, so the wrapper checks who calls on every call: the session (no session: to
 * sign-in) and then the role, before it reads the form. A refusal — a DomainError, a ZodError, the database
 * out of reach — comes back as `{ ok: false, message, fieldErrors, values }` with each problem under the field
 * its path names; Next's redirect/notFound and real bugs are thrown on. The work itself only says what it did:
 * pages to revalidate and where to redirect are done here, after the work succeeded.
 */

/** What the work answers when it succeeds; any other keys are passed to the form's state (a run id, a token). */
export interface Done {
  /** Said beside the submit button. */
  message?: string;
  /** The pages showing what the work changed. */
  revalidate?: string[];
  /** Where the browser goes next (after revalidating), instead of staying on the form. */
  redirect?: string;
}

/** The keys a success adds to the state, besides message. */
export type ExtraOf<R extends Done> = Omit<R, keyof Done>;

/** The action useActionState calls: the previous state (not trusted, not read) and the form's data. */
export type FormAction<Extra extends object = object> = (previous: FormState<Extra>, data: FormData) => Promise<FormState<Extra>>;

export interface FormActionOptions<P extends Permission | "public", Input, R extends Done> {
  /**
   * What the caller must be allowed (lib/auth/roles.ts), checked for the signed-in user on every call;
   * "public" only for sign-in and sign-out, which run without a session (the user is then null).
   */
  permission: P;
  /**
   * The form's data as the work's input: a function of the FormData, or a zod schema applied to its fields
   * (one value per name: fields posted several times, like check boxes, need a function). Throw a ZodError
   * or a DomainError (fieldError) to refuse a value.
   */
  parse?: ((data: FormData) => Input) | z.ZodType<Input>;
  /**
   * What to say beside the button when fields were refused, the fields saying the rest; null to say nothing
   * there. By default, the refusal's own message (a ZodError's first problem).
   */
  invalid?: string | null;
  run: (context: { user: P extends "public" ? null : SessionUser; input: Input; sql: Sql }) => Promise<R>;
}

export function formAction<P extends Permission | "public", Input = undefined, R extends Done = Done>(
  options: FormActionOptions<P, Input, R>,
): FormAction<ExtraOf<R>> {
  return async (_previous, data) => {
    // Outside the try, as every action had it: no session redirects to sign-in, and a database that cannot say
    // who calls is an error page rather than a refusal.
    const user = options.permission === "public" ? null : await verifySession();
    let done: R;
    try {
      if (user) authorize(user, options.permission as Permission);
      // Anyone can post anything to an action: a call without a form is refused like a bad value.
      if (!(data instanceof FormData)) throw new DomainError("BAD_INPUT", "This form's fields did not arrive: reload the page and try again.");
      const input = parseForm(options.parse, data);
      done = await options.run({ user: user as P extends "public" ? null : SessionUser, input, sql: sharedDatabase().sql });
    } catch (error) {
      unstable_rethrow(error);
      const refused = refusal(error, options.invalid);
      if (!refused) throw error;
      // No extras on a refusal (a run id, a token): they belong to a success. TypeScript cannot see that
      // nothing is a Partial of a generic type.
      return { ok: false, ...refused, values: data instanceof FormData ? submittedValues(data) : {} } as FormState<ExtraOf<R>>;
    }
    const { message, revalidate = [], redirect: next, ...extra } = done;
    for (const path of revalidate) revalidatePath(path);
    if (next) redirect(next);
    return { ok: true, message: message ?? null, fieldErrors: {}, ...extra } as FormState<ExtraOf<R>>;
  };
}

function parseForm<Input>(parse: FormActionOptions<Permission, Input, Done>["parse"], data: FormData): Input {
  if (parse === undefined) return undefined as Input;
  if (typeof parse === "function") return parse(data);
  return parse.parse(Object.fromEntries(data));
}

/**
 * A failure the user can act on, as the form shows it: problems whose path names a field under that field
 * (by the path's first part, the form field's name), and a message; null for a bug.
 */
export function refusal(error: unknown, invalid?: string | null): { message: string | null; fieldErrors: Record<string, string[]> } | null {
  const known = toDomainError(error);
  if (!known) return null;
  const details = error instanceof ZodError ? zodDetails(error) : problemsIn(known.details);
  // A Map, then own properties: a field posted as "__proto__" or "constructor" is just a name.
  const byField = new Map<string, string[]>();
  for (const { path, message } of details) {
    const field = path.split(".")[0];
    if (field) byField.set(field, [...(byField.get(field) ?? []), message]);
  }
  const fieldErrors = Object.fromEntries(byField);
  // A ZodError's own first message, without toDomainError's "path: " prefixes: it is said beside its field.
  const said = error instanceof ZodError ? (error.issues[0]?.message ?? known.message) : known.message;
  return { message: byField.size > 0 && invalid !== undefined ? invalid : said, fieldErrors };
}

function problemsIn(details: unknown): { path: string; message: string }[] {
  if (!Array.isArray(details)) return [];
  return details.filter((d): d is { path: string; message: string } => typeof d?.path === "string" && typeof d?.message === "string");
}

/** The text fields of a refused form, to put back: not React's own ($ACTION_…) and never a password. */
export function submittedValues(data: FormData): Record<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of data) {
    if (typeof value !== "string" || name.startsWith("$ACTION") || /password/i.test(name) || values.has(name)) continue;
    values.set(name, value);
  }
  return Object.fromEntries(values);
}
