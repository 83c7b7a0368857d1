/**
 * Real-time sync against the reference model: random cfg states and sites, full syncs, manual terminations
 * and reinstatements, then a second cfg state written as any cfg writer would — and the change feed applied
 * in batches of random size. WFM must equal the model's real-time result, and the cursor the counter.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createClient, type Database } from "../db/client";
import { cfgState, uniqueBy } from "../testing/cfg-arbitrary";
import { freshDatabase } from "../testing/database";
import { modelFullSync, TODAY, type WfmState } from "../testing/sync-model";
import { readWfm, resetWorld, writeCfg, writeWfmSetup } from "../testing/world";
import { runFullSync } from "./engine";
import { applyFeedBatch, newFeedSession } from "./realtime";

const SERVERS = ["A", "B", "C"];

const scenario = fc.record({
  first: cfgState(6),
  second: cfgState(7),
  levels: fc.tuple(fc.constantFrom(0, 1, 2), fc.constantFrom(0, 1, 2), fc.constantFrom(0, 1, 2)),
  siteServers: fc.array(fc.constantFrom<string | null>("A", "B", "C", null), { minLength: 4, maxLength: 4 }),
  siteSwitches: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  order: fc.shuffledSubarray(SERVERS, { minLength: 1, maxLength: 3 }),
  limit: fc.constantFrom(1, 3, 17, 10_000),
  manual: fc.array(fc.nat(7), { maxLength: 3 }),
  reinstate: fc.array(fc.nat(7), { maxLength: 2 }),
  userFor: fc.array(fc.nat(7), { maxLength: 3 }),
});

let database: Database;
let feed: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 4 });
  // The real-time connection keeps temp tables for its session, as a server's does.
  feed = createClient(database.url, { max: 1 });
  return () => feed.close();
});

describe("real-time sync against the reference model", () => {
  it("brings every touched agent to the model's state, leaves manual and awaiting agents alone, and keeps the cursor", async () => {
    const sessions = new Map(SERVERS.map((s) => [s, newFeedSession()]));
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { sql } = database;
        await resetWorld(sql);
        for (const session of sessions.values()) session.collisionsKnown = false;
        const servers = Object.fromEntries(SERVERS.map((name, i) => [name, s.levels[i]!]));
        const sites = s.siteServers.map((server, i) => ({
          id: i + 1,
          name: `site${i + 1}`,
          timeZone: "tz1",
          switch: i < 3 && s.siteSwitches[i] ? i + 1 : null,
          server,
        }));
        const users = uniqueBy(s.userFor, String).map((dbid, i) => ({ id: i + 1, cfgDbid: dbid + 1, username: `user${i + 1}`, email: null }));
        const model: WfmState = { servers, sites, agents: {}, skills: {}, timeZones: {}, users };
        await writeCfg(sql, s.first);
        await writeWfmSetup(sql, model);
        for (const server of SERVERS) {
          expect((await runFullSync(sql, { server, trigger: "startup" })).status).not.toBe("failed");
          modelFullSync(s.first, model, server);
        }
        expect(await readWfm(sql, servers)).toEqual(model);

        for (const dbid of s.manual.map((n) => n + 1)) {
          const agent = model.agents[dbid];
          if (!agent) continue;
          await sql`update wfm.agents set termination_date = current_date, termination_source = 'manual', awaiting_full_sync = false where cfg_dbid = ${dbid}`;
          Object.assign(agent, { terminationDate: TODAY, terminationSource: "manual", awaiting: false });
        }
        for (const dbid of s.reinstate.map((n) => n + 1)) {
          const agent = model.agents[dbid];
          if (!agent || agent.terminationSource !== "manual") continue;
          await sql`update wfm.agents set termination_date = null, termination_source = null, awaiting_full_sync = true where cfg_dbid = ${dbid}`;
          Object.assign(agent, { terminationDate: null, terminationSource: null, awaiting: true });
        }

        await writeCfg(sql, s.second);
        const [{ head }] = (await sql`select seq as head from cfg.change_counter`) as unknown as [{ head: number }];
        for (const server of s.order) {
          let runId: number | null = null;
          for (let batches = 0; ; batches++) {
            expect(batches).toBeLessThan(10_000);
            const batch = await applyFeedBatch(feed.sql, sessions.get(server)!, { server, runId, limit: s.limit });
            runId = batch.runId;
            if (batch.to === batch.from) break;
          }
          modelFullSync(s.second, model, server, { realtime: true });
          const actual = await readWfm(sql, servers);
          // A username another user still holds is not taken (a warning says so). Real-time applies changes
          // batch by batch, so a name may be freed by an earlier batch and taken by a later one, where the
          // model (one full sync) keeps it blocked; the next full sync would give it too. Either is right.
          for (const user of actual.users) {
            const wanted = s.second.persons.find((p) => p.dbid === user.cfgDbid)?.username;
            const modelled = model.users.find((u) => u.id === user.id);
            if (modelled && user.username === wanted && modelled.username !== wanted) user.username = modelled.username;
          }
          expect(actual).toEqual(model);
          const [cursor] = await sql`select last_seq from wfm.sync_cursors where server = ${server}`;
          expect(cursor!.last_seq).toBe(head);
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60), endOnFailure: true, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) },
    );
  }, 600_000);
});
