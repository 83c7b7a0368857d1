/**
 * The one answer every console form's server action gives (made by formAction, app/lib/form-action.ts). Kept
 * apart from the helper, with no server code, so the forms can import the type and the idle state.
 */
export type FormState<Extra extends object = object> = {
  /** False after a refused submission; true before the first and after a success. */
  ok: boolean;
  /** What the last submission did, or why it was refused: said beside the submit button. */
  message: string | null;
  /** Problems by form field name, each said beside its field (Field, aria-describedby). */
  fieldErrors: Record<string, string[]>;
  /**
   * What was submitted, when it was refused, so a refused value stays in its field beside its message (React
   * resets uncontrolled fields to their defaultValue after an action). Never a password.
   */
  values?: Record<string, string>;
} & Partial<Extra>;

/** The state before a form's first submission. */
export const idleForm: FormState = { ok: true, message: null, fieldErrors: {} };

/** The first problem with one field, for Field's `error`. */
export const fieldError = (state: FormState, field: string): string | undefined => state.fieldErrors[field]?.[0];
