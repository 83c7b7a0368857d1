/**
 * Pages of the short lists (sites, servers, skills, time zones, users): read whole, answered in pages so
 * they take `limit` and `cursor` like every list (SPEC §6). Their cursor is an offset into the list's order;
 * the long lists (agents, runs, events, cfg objects) page by keyset in SQL instead.
 */
import { z } from "zod";

export const listPage = z.object({
  limit: z.coerce.number({ message: "limit is a whole number" }).int("limit is a whole number").min(1, "limit is at least 1").max(1000, "limit is at most 1000").default(500),
  cursor: z.string().regex(/^\d{1,9}$/, "cursor is the `next` of the previous page").optional(),
});

export function pageOf<T>(items: T[], query: z.output<typeof listPage>): { items: T[]; next: string | null } {
  const start = Number(query.cursor ?? 0);
  const end = start + query.limit;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : null };
}
