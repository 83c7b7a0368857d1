/**
 * Plans that stay safe whatever the statistics say (a red-team repro: 20,000 agents synced, their levels
 * deleted and analysed as empty, then a full sync that ran 23 minutes as a nested loop over the level diff).
 * The evidence is a statement_timeout on the test database: a run whose statements each finish well inside
 * it succeeds; one that falls into a quadratic plan is cancelled and fails, whatever the machine's speed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { loadWorkload } from "../demo/load";
import { scaledWorkload } from "../demo/workload";
import { freshDatabase } from "../testing/database";
import { runFullSync } from "./engine";

let database: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 4 });
  await loadWorkload(database.sql, scaledWorkload(20_000));
  await database.sql`insert into wfm.servers (name, sync_level) values ('A', 2)`;
});

describe("stale statistics", () => {
  it("a full sync that re-adds every level of existing agents after they were analysed as gone keeps a hash plan", async () => {
    const first = await runFullSync(database.sql, { server: "A", trigger: "manual" });
    expect(first.status).toBe("succeeded");
    const [{ levels }] = (await database.sql`select count(*)::int as levels from wfm.agent_skills`) as unknown as [{ levels: number }];
    expect(levels).toBeGreaterThan(100_000);

    await database.sql`delete from wfm.agent_skills`;
    await database.sql`analyze wfm.agent_skills`;
    // Each statement of a healthy run takes well under a second here; the quadratic plan takes minutes.
    const [{ db }] = (await database.sql`select current_database() as db`) as unknown as [{ db: string }];
    await database.sql.unsafe(`alter database ${db} set statement_timeout = '20s'`);
    try {
      const second = await runFullSync(database.sql, { server: "A", trigger: "manual" });
      expect(second.error).toBeUndefined();
      expect(second.status).toBe("succeeded");
      const [{ restored }] = (await database.sql`select count(*)::int as restored from wfm.agent_skills`) as unknown as [{ restored: number }];
      expect(restored).toBe(levels);
    } finally {
      await database.sql.unsafe(`alter database ${db} reset statement_timeout`);
    }
  });
});
