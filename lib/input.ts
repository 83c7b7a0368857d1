/**
 * Values as the API and the console accept them, refused here with a message rather than by PostgreSQL with
 * an error. Ids: WFM's own rows (agents, sites, users) have 32-bit ids; cfg dbids, runs and events have
 * 64-bit ones, of which JavaScript holds exactly the first 2^53, and a larger number cannot name a row.
 */
import { z } from "zod";

export const INT_ID_MAX = 2_147_483_647;
export const BIGINT_ID_MAX = Number.MAX_SAFE_INTEGER;

/** A positive id in a query string or path (text), at most `max`. */
export const idText = (what: string, max: number) =>
  z
    .string({ message: `${what} is a positive whole number` })
    // Digits only: "1e3" or " 7" would otherwise be read as numbers.
    .regex(/^\d{1,16}$/, `${what} is a positive whole number`)
    .transform(Number)
    .pipe(z.number().int().positive(`${what} is a positive number`).max(max, `${what} is at most ${max}`));

/** A positive id in a JSON body, at most `max`. */
export const idNumber = (what: string, max: number) =>
  z.number({ message: `${what} is a positive whole number` }).int(`${what} is a whole number`).positive(`${what} is a positive number`).max(max, `${what} is at most ${max}`);

/** A keyset cursor: the `next` of the previous page, an id no larger than `max`. */
export const cursorText = (max: number) =>
  z.string().refine((value) => /^\d{1,16}$/.test(value) && Number(value) <= max, "cursor is the `next` of the previous page");

/**
 * Text from a user or a client: anything but the NUL character, which PostgreSQL cannot store in text and
 * would refuse with an error no caller could act on.
 */
export const text = (what: string) =>
  z
    .string({ message: `${what} is text` })
    .refine((value) => !value.includes("\u0000"), `${what} contains a NUL character`)
    // Half of a surrogate pair (a broken "\ud83d" escape) is no character: PostgreSQL would store a "?".
    .refine((value) => !/\p{Cs}/u.test(value), `${what} contains half of a character (an unpaired surrogate)`);

/**
 * Characters that change how a name reads without being seen: bidirectional overrides and isolates (which
 * can make "Sales" display as another name), zero-width spaces and joiners used as spacing, the byte-order
 * mark, and control characters. ZWNJ and ZWJ stay allowed: Persian and Indic names and emoji need them.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const ALLOWED_FORMAT = new Set(["\u200c", "\u200d"]);

function invisibleIn(value: string): string | undefined {
  for (const char of value) {
    if (INVISIBLE.test(char) && !ALLOWED_FORMAT.has(char)) return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return undefined;
}

/** A name people read and compare (of a site, a skill, a person…): text with no invisible characters. */
export const nameText = (what: string) =>
  text(what).superRefine((value, context) => {
    const found = invisibleIn(value);
    if (found) {
      context.addIssue({
        code: "custom",
        message: `${what} contains an invisible or control character (${found}); names must read exactly as they are stored`,
      });
    }
  });

/**
 * A WFM Server's name, the same rule wherever one is given (the command line, a site's server, a path, a
 * request): never trimmed, so "Branch " is refused everywhere rather than found in one place and not another.
 */
export const serverName = z
  .string({ message: "a WFM Server's name is text" })
  .min(1, "a WFM Server needs a name")
  .max(64, "a WFM Server's name has at most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a WFM Server's name uses letters, digits, '_', '.' and '-', and starts with a letter or digit");

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * An instant in a query string: an ISO 8601 date-time with its zone (`Z` or `±hh:mm`), or a date alone,
 * which means its midnight UTC. A time without a zone is refused: it would mean a different instant on the
 * server than on the client that wrote it.
 */
export const instantText = (what: string) =>
  z
    .string({ message: `${what} is an ISO date-time with its zone, such as 2026-12-02T09:00:00Z, or a date, 2026-12-02` })
    // Aborts: text that is no date at all gets this one message, not also "not a date that exists".
    .regex(INSTANT, { message: `${what} is an ISO date-time with its zone, such as 2026-12-02T09:00:00Z, or a date, 2026-12-02`, abort: true })
    .refine((value) => {
      const [year, month, day] = value.slice(0, 10).split("-").map(Number) as [number, number, number];
      return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day && month >= 1 && month <= 12;
    }, `${what} is not a date that exists`)
    .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value))
    .refine((date) => !Number.isNaN(date.getTime()), `${what} is not a time that exists`);

/** A `from`–`to` range (from inclusive, to exclusive) must not end before it starts. */
export function checkTimeRange(range: { from?: Date; to?: Date }, context: z.RefinementCtx) {
  if (range.from && range.to && range.to <= range.from) {
    context.addIssue({ code: "custom", path: ["to"], message: "to is after from (from is included, to is not)" });
  }
}

/** A LIKE pattern that finds `text` anywhere, case aside: its own % and _ are searched for as themselves. */
export const containsPattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
