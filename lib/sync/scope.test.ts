import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { freshDatabase } from "../testing/database";
import { inScope, inScopeByAssignmentsSql, inScopeSql, type ScopeSite } from "./scope";

let database: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 2 });
});

// SPEC §2.3's table, as the server "A" sees each kind of site at each level.
const SITES: Record<string, ScopeSite> = { none: null, unassigned: { server: null }, mine: { server: "A" }, others: { server: "B" } };
const SPEC: Record<number, string[]> = { 0: [], 1: ["mine"], 2: ["none", "unassigned", "mine"] };

describe("scope, one rule", () => {
  it("the predicate is SPEC §2.3's table", () => {
    for (const level of [0, 1, 2]) {
      const synced = Object.entries(SITES).filter(([, site]) => inScope(level, "A", site)).map(([kind]) => kind);
      expect(synced, `level ${level}`).toEqual(SPEC[level]);
    }
  });

  it("the SQL, from the sites table or from cached assignments, says what the predicate says", async () => {
    const { sql } = database;
    // Site ids: 1 unassigned, 2 assigned to A, 3 assigned to B; "none" is no row.
    const rows = await sql<{ level: number; kind: string; bySites: boolean; byAssignments: boolean }[]>`
      with site (id, server) as (values (1, null::text), (2, 'A'), (3, 'B')),
           agent (kind, site_id) as (values ('none', null::int), ('unassigned', 1), ('mine', 2), ('others', 3)),
           level (level) as (values (0), (1), (2))
      select l.level, a.kind,
             ${sql.unsafe(inScopeSql("s", "l.level", "'A'"))} as "bySites",
             ${sql.unsafe(inScopeByAssignmentsSql("s", "l.level", "array[2]", "array[3]"))} as "byAssignments"
        from level l cross join agent a left join site s on s.id = a.site_id
       order by l.level, a.kind`;
    for (const row of rows) {
      const expected = inScope(row.level, "A", SITES[row.kind]!);
      expect({ ...row, bySites: Boolean(row.bySites), byAssignments: Boolean(row.byAssignments) }).toEqual({ ...row, bySites: expected, byAssignments: expected });
    }
    expect(rows).toHaveLength(12);
  });
});
