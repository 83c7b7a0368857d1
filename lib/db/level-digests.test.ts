/**
 * wfm.agent_level_digests (migration 0027) against the rows it summarizes: after any sequence of writes to
 * agent_skills — inserts, updates of levels and of keys, deletes, agents and skills deleted (their levels go by
 * cascade), skills given another source or dbid, TRUNCATE of levels or skills — each agent's digest is exactly
 * what its levels hash to, and an agent without levels has no row. A full sync trusts these digests to skip agents, so a write that escaped them would hide a hand edit.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { propertyParameters } from "../testing/cfg-arbitrary";
import { freshDatabase } from "../testing/database";
import type { Database, Sql } from "./client";

const AGENTS = [1, 2, 3, 4];
const SKILLS = [1, 2, 3];

let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
});

const agent = fc.constantFrom(...AGENTS);
const skill = fc.constantFrom(...SKILLS);
const level = fc.integer({ min: 0, max: 10 });

/** One statement on agent_skills or its parents, as a writer (the sync, an administrator's SQL) might send it. */
const write = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), rows: fc.uniqueArray(fc.tuple(agent, skill, level), { selector: ([a, s]) => `${a}/${s}`, maxLength: 6 }) }),
  fc.record({ kind: fc.constant("set level" as const), agents: fc.subarray(AGENTS), level }),
  fc.record({ kind: fc.constant("move skill" as const), from: skill, to: skill }),
  fc.record({ kind: fc.constant("delete" as const), agents: fc.subarray(AGENTS), skills: fc.subarray(SKILLS) }),
  fc.record({ kind: fc.constant("delete agent" as const), agent }),
  fc.record({ kind: fc.constant("delete skill" as const), skill }),
  fc.record({ kind: fc.constant("rename skill" as const), skill, source: fc.constantFrom("main", "eu"), dbid: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant("truncate" as const), table: fc.constantFrom("wfm.agent_skills", "wfm.skills") }),
);
type Write = typeof write extends fc.Arbitrary<infer T> ? T : never;

async function apply(sql: Sql, w: Write): Promise<void> {
  switch (w.kind) {
    case "insert":
      if (w.rows.length === 0) return;
      await sql`insert into wfm.agent_skills (agent_id, skill_id, level)
                select * from unnest(${w.rows.map((r) => r[0])}::int[], ${w.rows.map((r) => r[1])}::bigint[], ${w.rows.map((r) => r[2])}::smallint[])
                  as r(agent_id, skill_id, level)
                 where exists (select 1 from wfm.agents a where a.id = r.agent_id) and exists (select 1 from wfm.skills k where k.id = r.skill_id)
                on conflict (agent_id, skill_id) do update set level = excluded.level`;
      return;
    case "set level":
      await sql`update wfm.agent_skills set level = ${w.level} where agent_id = any (${w.agents}::int[])`;
      return;
    case "move skill":
      // A key change: the levels of one skill become another's, where the agent has none of that one yet.
      await sql`update wfm.agent_skills s set skill_id = ${w.to} where skill_id = ${w.from}
                   and exists (select 1 from wfm.skills k where k.id = ${w.to})
                   and not exists (select 1 from wfm.agent_skills o where o.agent_id = s.agent_id and o.skill_id = ${w.to})`;
      return;
    case "delete":
      await sql`delete from wfm.agent_skills where agent_id = any (${w.agents}::int[]) and skill_id = any (${w.skills}::bigint[])`;
      return;
    case "delete agent":
      await sql`delete from wfm.agents where id = ${w.agent}`;
      return;
    case "delete skill":
      await sql`delete from wfm.skills where id = ${w.skill}`;
      return;
    case "rename skill":
      // Its source or dbid (a name cfg gives it) changes; a name another skill has already is refused.
      await sql`update wfm.skills set source = ${w.source}, cfg_dbid = ${w.dbid} where id = ${w.skill}
                   and not exists (select 1 from wfm.skills o where o.source = ${w.source} and o.cfg_dbid = ${w.dbid} and o.id <> ${w.skill})`;
      return;
    case "truncate":
      await sql.unsafe(`truncate ${w.table}`);
      return;
  }
}

/** The digests as kept, and as the rows say they should be. */
async function digests(sql: Sql): Promise<{ kept: unknown[]; fromRows: unknown[] }> {
  const kept = await sql`select agent_id, digest::text from wfm.agent_level_digests order by agent_id`;
  // Levels whose skill is gone (a TRUNCATE of skills leaves them) hash to nothing: their agents must differ from cfg.
  const fromRows = await sql`
    select s.agent_id, bit_xor(wfm.level_hash(k.source, k.cfg_dbid, s.level))::text as digest
      from wfm.agent_skills s join wfm.skills k on k.id = s.skill_id
     group by s.agent_id having bit_xor(wfm.level_hash(k.source, k.cfg_dbid, s.level)) <> 0 order by s.agent_id`;
  return { kept: [...kept], fromRows: [...fromRows] };
}

async function resetWorld(sql: Sql): Promise<void> {
  // The TRUNCATE empties the digests as well (its trigger): the first check after it would see any left.
  await sql`truncate wfm.agent_skills, wfm.agents, wfm.skills`;
  for (const id of SKILLS) await sql`insert into wfm.skills (id, source, cfg_dbid, tenant_dbid, name) values (${id}, 'main', ${id}, 1, ${`Skill ${id}`})`;
  for (const id of AGENTS) {
    await sql`insert into wfm.agents (id, source, cfg_dbid, tenant_dbid, username, first_name, last_name)
              values (${id}, 'main', ${id}, 1, ${`agent${id}`}, 'A', ${String(id)})`;
  }
}

describe("the level digests kept by triggers", () => {
  it("equal what each agent's levels hash to, after any writes", async () => {
    const { sql } = database;
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 12 }), async (writes) => {
        await resetWorld(sql);
        for (const w of writes) {
          // A write the references refuse (a level of a skill a TRUNCATE took) changes nothing, digests included.
          await apply(sql, w).catch((error: unknown) => {
            if ((error as { code?: string }).code !== "23503") throw error;
          });
          const { kept, fromRows } = await digests(sql);
          expect(kept, `after ${JSON.stringify(w)}`).toEqual(fromRows);
        }
      }),
      { ...propertyParameters(), numRuns: Math.max(50, propertyParameters().numRuns ?? 0) },
    );
  });

  it("are made right again by wfm.rebuild_level_digests() after a write that escaped the triggers", async () => {
    const { sql } = database;
    await resetWorld(sql);
    await sql`insert into wfm.agent_skills values (1, 1, 5), (1, 2, 7), (2, 1, 3), (3, 3, 0)`;
    // What a data-only restore does: the digests come back as dumped, then the levels' triggers fire again.
    await sql`update wfm.agent_level_digests set digest = 0 where agent_id = 1`;
    await sql`delete from wfm.agent_level_digests where agent_id = 2`;
    await sql`insert into wfm.agent_level_digests values (4, 42)`;
    expect((await digests(sql)).kept).not.toEqual((await digests(sql)).fromRows);
    await sql`select wfm.rebuild_level_digests()`;
    const { kept, fromRows } = await digests(sql);
    expect(kept).toEqual(fromRows);
    expect(kept).toHaveLength(3);
  });

  it("hash dbids beyond 2^32 apart from the small ones their halves fold to", async () => {
    const { sql } = database;
    const [row] = await sql`
      select hashint8extended(4294967301, 0) = hashint8extended(4, 0) as folded,
             wfm.level_hash('main', 4294967301, 3::smallint) = wfm.level_hash('main', 4, 3::smallint) as same,
             wfm.level_hash('main', 4, 3::smallint) = wfm.level_hash('eu', 4, 3::smallint) as across_sources,
             wfm.level_hash('main', 4, 3::smallint) = wfm.level_hash('main', 4, 4::smallint) as across_levels`;
    // PostgreSQL's own hash folds them (why the high half goes into the seed); ours tells them apart.
    expect(row).toEqual({ folded: true, same: false, across_sources: false, across_levels: false });
  });

  it("follow a write that rolls back: nothing of it stays in them", async () => {
    const { sql } = database;
    await resetWorld(sql);
    await sql`insert into wfm.agent_skills values (1, 1, 5), (1, 2, 7), (2, 1, 3)`;
    const before = await digests(sql);
    await expect(
      sql.begin(async (tx) => {
        await tx`update wfm.agent_skills set level = 9 where agent_id = 1`;
        await tx`delete from wfm.agent_skills where agent_id = 2`;
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await digests(sql)).toEqual(before);
    expect(before.kept).toHaveLength(2);
  });
});
