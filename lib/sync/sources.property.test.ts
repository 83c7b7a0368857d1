/**
 * Two configuration sources against the reference model (SPEC §2.9): random cfg states in `main` and `eu` whose
 * dbids overlap (both count from 1) and whose names sometimes coincide (a cross-source collision), a server of
 * each source at a random level, sites on either source's switches assigned within their source, users of both.
 * After every server's full sync, each source's part of WFM equals its model, the other source's model being
 * what its names collide with and what holds a name in WFM.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { createSource } from "../config/sources";
import { cfgState, propertyParameters, propertyTimeout, uniqueBy } from "../testing/cfg-arbitrary";
import { freshDatabase } from "../testing/database";
import { modelFullSync, type CfgState, type WfmState } from "../testing/sync-model";
import { readWfm, resetWorld, writeCfg, writeWfmSetup } from "../testing/world";
import { runFullSync } from "./engine";

const NAMES = ["sw1", "sw2", "sw3", "tz1", "tz2", "tz3", "s1", "s2", "s3", "s4"];

/** eu's cfg: the same shapes, its names prefixed except those chosen to be shared with main's pools. */
const euState = (people: number) =>
  fc.record({ cfg: cfgState(people), shared: fc.subarray(NAMES) }).map(({ cfg, shared }): CfgState => {
    const rename = <T extends { name: string }>(rows: T[]) => rows.map((r) => (shared.includes(r.name) ? r : { ...r, name: `eu-${r.name}` }));
    return { ...cfg, switches: rename(cfg.switches), timeZones: rename(cfg.timeZones), skills: rename(cfg.skills) };
  });

const scenario = fc.record({
  main: fc.tuple(cfgState(5), cfgState(6)),
  eu: fc.tuple(euState(5), euState(6)),
  levels: fc.tuple(fc.constantFrom(0, 1, 2), fc.constantFrom(0, 1, 2)),
  // site1, site2 on main's switches 1 and 2; site3 on eu's switch 1; site4 without a switch.
  switched: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
  assigned: fc.tuple(fc.constantFrom<string | null>("A", null), fc.constantFrom<string | null>("A", null), fc.constantFrom<string | null>("E", null), fc.constantFrom<string | null>("A", "E", null)),
  users: fc.tuple(fc.array(fc.nat(6), { maxLength: 2 }), fc.array(fc.nat(6), { maxLength: 2 })),
  order: fc.tuple(fc.shuffledSubarray(["A", "E"], { minLength: 2, maxLength: 2 }), fc.shuffledSubarray(["A", "E"], { minLength: 1, maxLength: 2 })),
});

let database: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 4 });
  await createSource(database.sql, { name: "eu", kind: "local" });
});

describe("full sync of two sources against the reference model", () => {
  it("leaves each source's part of WFM exactly as its model says, whatever the overlaps and collisions", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { sql } = database;
        await resetWorld(sql);
        const sites: WfmState["sites"] = [
          { id: 1, name: "site1", timeZone: "tz1", switchSource: s.switched[0] ? "main" : null, switch: s.switched[0] ? 1 : null, server: s.assigned[0] },
          { id: 2, name: "site2", timeZone: "tz1", switchSource: s.switched[1] ? "main" : null, switch: s.switched[1] ? 2 : null, server: s.assigned[1] },
          { id: 3, name: "site3", timeZone: "tz1", switchSource: s.switched[2] ? "eu" : null, switch: s.switched[2] ? 1 : null, server: s.assigned[2] },
          { id: 4, name: "site4", timeZone: "tz1", switchSource: null, switch: null, server: s.assigned[3] },
        ];
        const mainUsers = uniqueBy(s.users[0], String).map((n, i) => ({ id: i + 1, cfgDbid: n + 1, username: `main${i + 1}`, email: null }));
        const euUsers = uniqueBy(s.users[1], String).map((n, i) => ({ id: i + 10, cfgDbid: n + 1, username: `eu${i + 1}`, email: null }));
        // One sites array, shared by both models: a renamed time zone moves the sites of either.
        const models: Record<"main" | "eu", WfmState> = {
          main: { servers: { A: s.levels[0] }, sites, agents: {}, skills: {}, timeZones: {}, users: mainUsers },
          eu: { servers: { E: s.levels[1] }, sites, agents: {}, skills: {}, timeZones: {}, users: euUsers },
        };
        await writeWfmSetup(sql, models.eu, { source: "eu", sites: false });
        await writeWfmSetup(sql, models.main, { source: "main" });

        const syncAll = async (cfg: Record<"main" | "eu", CfgState>, order: string[]) => {
          for (const server of order) {
            const source = server === "A" ? "main" : "eu";
            const other = source === "main" ? "eu" : "main";
            const result = await runFullSync(sql, { server, trigger: "manual", batchSize: 3 });
            expect(result.status, result.error).not.toBe("failed");
            modelFullSync(cfg[source], models[source], server, { source, others: { cfg: [cfg[other]], wfm: [models[other]] } });
            expect(await readWfm(sql, models.main.servers, "main")).toEqual(models.main);
            expect(await readWfm(sql, models.eu.servers, "eu")).toEqual(models.eu);
          }
        };
        await writeCfg(sql, s.main[0], "main");
        await writeCfg(sql, s.eu[0], "eu");
        await syncAll({ main: s.main[0], eu: s.eu[0] }, s.order[0]);
        await writeCfg(sql, s.main[1], "main");
        await writeCfg(sql, s.eu[1], "eu");
        await syncAll({ main: s.main[1], eu: s.eu[1] }, s.order[1]);
      }),
      propertyParameters(),
    );
  }, propertyTimeout());
});
