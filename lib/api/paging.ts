/**
 * Pages of the short lists (sites, servers, skills, time zones, users): read whole, answered in pages so
 * they take `limit` and `cursor` like every list (SPEC §6). Their cursor is an offset into the list's order;
 * the long lists (agents, runs, events, cfg objects) page by keyset in SQL instead.
 */
import { z } from "zod";
import { fieldError } from "../errors";

export const listPage = z.object({
  limit: z.coerce.number({ message: "limit is a whole number" }).int("limit is a whole number").min(1, "limit is at least 1").max(1000, "limit is at most 1000").default(500),
  cursor: z.string().regex(/^\d{1,9}$/, "cursor is the `next` of the previous page").optional(),
});

export function pageOf<T>(items: T[], query: z.output<typeof listPage>): { items: T[]; next: string | null } {
  const start = Number(query.cursor ?? 0);
  const end = start + query.limit;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : null };
}

/**
 * The keyset cursor of a list sorted by something other than its id: the sort key and id of the last row
 * seen, opaque to clients (base64url of a JSON array). A page after it starts right after that row however
 * many rows were added or removed meanwhile — an offset would repeat or skip them.
 */
export function encodeSortCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

const SORT_CURSOR_REFUSED = "cursor is the `next` of the previous page";

/** A sorted list's cursor, as `encodeSortCursor` wrote it for these kinds of values, or a 400 naming `field`. */
export function decodeSortCursor<K extends ("string" | "number")[]>(text: string, kinds: K, field = "cursor"): { [I in keyof K]: K[I] extends "string" ? string : number } {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    values = null;
  }
  const fits = Array.isArray(values) && values.length === kinds.length && values.every((v, i) => (kinds[i] === "number" ? Number.isFinite(v) : typeof v === "string" && v.length <= 1000));
  if (!fits) throw fieldError("BAD_INPUT", field, field === "cursor" ? SORT_CURSOR_REFUSED : `${field} is the first row's cursor of a page`);
  return values as { [I in keyof K]: K[I] extends "string" ? string : number };
}

/** A cursor in a query string: an id, or a sorted list's keyset cursor (checked when it is read). */
export const pageCursorText = z.string().regex(/^[A-Za-z0-9_-]{1,1500}$/, SORT_CURSOR_REFUSED);
