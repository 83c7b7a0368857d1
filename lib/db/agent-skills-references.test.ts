import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../testing/database";
import { holdTransaction, openSession, waitUntilBlocked } from "../testing/locks";
import type { Database } from "./client";

let database: Database;
let agentId: number;
beforeAll(async () => {
  database = await freshDatabase();
  const { sql } = database;
  await sql`insert into wfm.skills (id, source, cfg_dbid, tenant_dbid, name) values (1, 'main', 1, 1, 'Sales'), (2, 'main', 2, 1, 'Support')`;
  const [agent] = await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name)
                            values ('main', 10, 1, 'ref', 'Ref', 'Erence') returning id`;
  agentId = agent!.id as number;
});

describe("the references of agent skills", () => {
  it("refuse a level for an agent or a skill that does not exist, and write nothing of the statement", async () => {
    const { sql } = database;
    await expect(sql`insert into wfm.agent_skills values (${agentId}, 1, 3), (999999, 1, 3)`).rejects.toThrow(
      "agent skill (agent 999999, skill 1) names an agent that does not exist",
    );
    await expect(sql`insert into wfm.agent_skills values (${agentId}, 77, 3)`).rejects.toThrow(
      `agent skill (agent ${agentId}, skill 77) names a skill that does not exist`,
    );
    expect(await sql`select * from wfm.agent_skills`).toHaveLength(0);
    await sql`insert into wfm.agent_skills values (${agentId}, 1, 3)`;
    expect(await sql`select agent_id, skill_id, level from wfm.agent_skills`).toEqual([{ agent_id: agentId, skill_id: 1, level: 3 }]);
    await expect(sql`update wfm.agent_skills set skill_id = 42`).rejects.toThrow(/names a skill that does not exist/);
  });

  it("cascade: deleting a skill or an agent deletes its levels", async () => {
    const { sql } = database;
    await sql`insert into wfm.agent_skills values (${agentId}, 2, 5) on conflict do nothing`;
    await sql`delete from wfm.skills where cfg_dbid = 2`;
    expect((await sql`select skill_id from wfm.agent_skills`).map((r) => r.skill_id)).toEqual([1]);
    await expect(sql`update wfm.skills set id = 5 where id = 1`).rejects.toThrow(/cannot change/);
    await sql`delete from wfm.agents where id = ${agentId}`;
    expect(await sql`select * from wfm.agent_skills`).toHaveLength(0);
  });

  it("make a concurrent delete of the agent wait for the writer, then cascade to what it wrote", async () => {
    const { sql } = database;
    const [agent] = await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name)
                              values ('main', 11, 1, 'race', 'Ra', 'Ce') returning id`;
    // The writer's insert has locked the agent (FOR KEY SHARE, as a foreign key would); it stays open.
    const writer = await holdTransaction(database.url, (tx) => tx`insert into wfm.agent_skills values (${agent!.id}, 1, 4)`);
    const other = await openSession(database.url);
    const deleter = other.sql`delete from wfm.agents where id = ${agent!.id}`.execute();
    deleter.catch(() => {}); // awaited below
    await waitUntilBlocked(sql, other.pid, { by: writer.pid, settled: deleter });
    expect(await sql`select id from wfm.agents where id = ${agent!.id}`).toHaveLength(1);
    await writer.commit();
    expect(await deleter).toHaveProperty("count", 1);
    expect(await sql`select * from wfm.agents where id = ${agent!.id}`).toHaveLength(0);
    expect(await sql`select * from wfm.agent_skills where agent_id = ${agent!.id}`).toHaveLength(0);
  });
});

describe("the sync log's reference to its run", () => {
  it("refuses a line for a run that does not exist, and goes with its run when the run is deleted", async () => {
    const { sql } = database;
    await sql`insert into wfm.servers (name) values ('Log') on conflict do nothing`;
    const [run] = await sql`insert into wfm.sync_runs (server, source, kind, trigger, level, status) values ('Log', 'main', 'full', 'manual', 2, 'succeeded') returning id`;
    await sql`insert into wfm.sync_events (run_id, object_type, object_key, action, message) values (${run!.id}, 'agent', '1', 'added', 'x'), (${run!.id}, 'agent', '2', 'added', 'y')`;
    await expect(sql`insert into wfm.sync_events (run_id, object_type, object_key, action, message) values (${run!.id}, 'agent', '3', 'added', 'z'), (987654321, 'agent', '4', 'added', 'w')`).rejects.toThrow(
      "sync event names run 987654321, which does not exist",
    );
    expect(await sql`select count(*)::int as n from wfm.sync_events where run_id = ${run!.id}`).toEqual([{ n: 2 }]);
    await sql`delete from wfm.sync_runs where id = ${run!.id}`;
    expect(await sql`select count(*)::int as n from wfm.sync_events where run_id = ${run!.id}`).toEqual([{ n: 0 }]);
  });
});
