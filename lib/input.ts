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
