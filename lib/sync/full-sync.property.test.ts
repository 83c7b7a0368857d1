/**
 * Random cfg states, random sites and assignments, random levels for three servers, random manual
 * terminations and reinstatements, a second cfg state after the first syncs: after each server's full sync
 * the WFM database equals the reference model of SPEC §2.
 */
import fc from "fast-check";
import { cfgState, uniqueBy } from "../testing/cfg-arbitrary";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { freshDatabase } from "../testing/database";
import { modelFullSync, TODAY, type CfgState, type WfmState } from "../testing/sync-model";
import { readWfm, resetWorld, writeCfg, writeWfmSetup } from "../testing/world";
import { runFullSync } from "./engine";

const SERVERS = ["A", "B", "C"];

const scenario = fc.record({
  first: cfgState(6),
  second: cfgState(7),
  levels: fc.tuple(fc.constantFrom(0, 1, 2), fc.constantFrom(0, 1, 2), fc.constantFrom(0, 1, 2)),
  siteServers: fc.array(fc.constantFrom<string | null>("A", "B", "C", null), { minLength: 4, maxLength: 4 }),
  siteSwitches: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  order1: fc.shuffledSubarray(SERVERS, { minLength: 3, maxLength: 3 }),
  order2: fc.shuffledSubarray(SERVERS, { minLength: 1, maxLength: 3 }),
  manual: fc.array(fc.nat(7), { maxLength: 3 }),
  reinstate: fc.array(fc.nat(7), { maxLength: 2 }),
  userFor: fc.array(fc.nat(7), { maxLength: 3 }),
});

let database: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 4 });
});

describe("full sync against the reference model", () => {
  it("leaves WFM exactly as the model says, for any cfg, sites, levels, order and manual terminations", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { sql } = database;
        await resetWorld(sql);
        const servers = Object.fromEntries(SERVERS.map((name, i) => [name, s.levels[i]!]));
        // Sites 1–3 sit on switches 1–3 (where chosen), site 4 has no switch; any may be assigned.
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

        const syncAll = async (cfg: CfgState, order: string[]) => {
          for (const server of order) {
            const result = await runFullSync(sql, { server, trigger: "manual", batchSize: 3 });
            expect(result.status, result.error).not.toBe("failed");
            modelFullSync(cfg, model, server);
            expect(await readWfm(sql, servers)).toEqual(model);
          }
        };
        await syncAll(s.first, s.order1);

        // An administrator terminates some agents by hand and reinstates others.
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
        await syncAll(s.second, s.order2);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60), endOnFailure: true, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) },
    );
  }, 600_000);
});
