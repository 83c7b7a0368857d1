/**
 * The Agents list at scale (issue 15, item 9): sorted by name or username either way in pages that join up,
 * newest first by id, and how many match — exact up to 10,000, PostgreSQL's estimate above.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Database, Sql } from "../db/client";
import { freshDatabase } from "../testing/database";
import { encodeSortCursor } from "../api/paging";
import { agentSearch, EXACT_TOTAL_UP_TO, searchAgents } from "./agents";

let database: Database;
let sql: Sql;

const PEOPLE = [
  ["zoe", "Zoe", "Adams"],
  ["Bob", "Bob", "adams"],
  ["carl", "Carl", "Young"],
  ["ann", "Ann", "Baker"],
  ["dave", "Dave", "baker"],
] as const;

beforeAll(async () => {
  database = await freshDatabase();
  sql = database.sql;
  let dbid = 1;
  for (const [username, first, last] of PEOPLE) {
    await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name) values ('main', ${dbid++}, 1, ${username}, ${first}, ${last})`;
  }
});

const search = (query: Record<string, string>) => searchAgents(sql, agentSearch.parse(query));
/** The cursor of a page's first row, as the console's Previous link carries it. */
const encodeFirst = (page: { items: { username: string; id: number }[] }) => encodeSortCursor([page.items[0]!.username.toLowerCase(), page.items[0]!.id]);
const usernames = async (query: Record<string, string>) => (await search(query)).items.map((a) => a.username);

describe("the Agents list", () => {
  it("sorts by last name then first name, whatever the case, either way", async () => {
    expect(await usernames({ sort: "name" })).toEqual(["Bob", "zoe", "ann", "dave", "carl"]);
    expect(await usernames({ sort: "name", dir: "desc" })).toEqual(["carl", "dave", "ann", "zoe", "Bob"]);
    expect(await usernames({ sort: "username" })).toEqual(["ann", "Bob", "carl", "dave", "zoe"]);
    expect(await usernames({ sort: "id", dir: "desc" })).toEqual(["dave", "ann", "carl", "Bob", "zoe"]);
  });

  it("pages a sort without a gap or a repeat, and counts what matches the filters", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search({ sort: "name", dir: "desc", limit: "2", ...(cursor ? { cursor } : {}) });
      expect(page).toMatchObject({ total: 5, totalIsEstimate: false });
      seen.push(...page.items.map((a) => a.username));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(seen).toEqual(["carl", "dave", "ann", "zoe", "Bob"]);
    // An agent synchronized between two pages neither repeats nor hides a row of the next page.
    const firstPage = await search({ sort: "name", limit: "2" });
    expect(firstPage.items.map((a) => a.username)).toEqual(["Bob", "zoe"]);
    await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name) values ('main', 90, 1, 'aaron', 'Aaron', 'Aardvark')`;
    expect(await usernames({ sort: "name", limit: "2", cursor: firstPage.next! })).toEqual(["ann", "dave"]);
    await sql`delete from wfm.agents where cfg_dbid = 90`;
    // Back from a page: the page before it, in order.
    const third = await search({ sort: "username", limit: "2", cursor: (await search({ sort: "username", limit: "2" })).next! });
    expect(third.items.map((a) => a.username)).toEqual(["carl", "dave"]);
    expect(await usernames({ sort: "username", limit: "2", before: encodeFirst(third) })).toEqual(["ann", "Bob"]);
    // Newest first by id pages backwards by cursor too.
    const newest = await search({ dir: "desc", limit: "2" });
    expect((await search({ dir: "desc", limit: "2", cursor: newest.next! })).items.map((a) => a.username)).toEqual(["carl", "Bob"]);
    expect(await search({ q: "baker" })).toMatchObject({ total: 2, totalIsEstimate: false });
    expect(await search({ q: "nobody" })).toMatchObject({ items: [], total: 0, totalIsEstimate: false });
  });

  it("refuses a cursor it did not write, naming it", async () => {
    await expect(search({ sort: "name", cursor: "bm90LWpzb24" })).rejects.toMatchObject({ code: "BAD_INPUT", details: [{ path: "cursor" }] });
    await expect(search({ sort: "name", cursor: encodeSortCursor([1, 2, 3]) })).rejects.toMatchObject({ code: "BAD_INPUT" });
    await expect(search({ cursor: "abc" })).rejects.toMatchObject({ code: "BAD_INPUT", details: [{ path: "cursor" }] });
  });

  it("above 10,000 matches says the total is an estimate, near the real count", async () => {
    await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name)
              select 'main', 100 + n, 1, 'bulk' || n, 'Bulk', 'Agent' || n from generate_series(1, ${EXACT_TOTAL_UP_TO + 500}) n`;
    await sql`analyze wfm.agents`;
    const all = await search({ limit: "1" });
    expect(all.totalIsEstimate).toBe(true);
    expect(all.total).toBeGreaterThan(EXACT_TOTAL_UP_TO);
    expect(Math.abs(all.total - (EXACT_TOTAL_UP_TO + 505)) / (EXACT_TOTAL_UP_TO + 505)).toBeLessThan(0.2);
    // A narrow filter is still exact.
    expect(await search({ q: "baker" })).toMatchObject({ total: 2, totalIsEstimate: false });
  });
});
