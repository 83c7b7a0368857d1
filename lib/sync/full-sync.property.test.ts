/**
 * Random cfg states, random sites and assignments, random levels for three servers, random manual
 * terminations and reinstatements, skill levels edited by hand in WFM, a second cfg state after the first
 * syncs, and levels edited by hand again with cfg unchanged: after each server's full sync the WFM database
 * equals the reference model of SPEC §2, whether or not the first syncs are cold imports.
 */
import fc from "fast-check";
import { cfgState, editLevelsByHand, handEditedLevels, modelFor, propertyParameters, propertyTimeout, SERVERS, terminateAndReinstate, wfmSetup } from "../testing/cfg-arbitrary";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { freshDatabase } from "../testing/database";
import { modelFullSync, type CfgState } from "../testing/sync-model";
import { levelDigestDrift, readWfm, resetWorld, writeCfg, writeWfmSetup } from "../testing/world";
import { runFullSync } from "./engine";

const scenario = fc.record({
  first: cfgState(6),
  second: cfgState(7),
  wfm: wfmSetup,
  order1: fc.shuffledSubarray(SERVERS, { minLength: 3, maxLength: 3 }),
  order2: fc.shuffledSubarray(SERVERS, { minLength: 1, maxLength: 3 }),
  // A first sync of a source into an empty WFM may be a cold import (indexes set aside and rebuilt, cold-import.ts).
  coldImport: fc.boolean(),
  handEdits: handEditedLevels,
  laterHandEdits: handEditedLevels,
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
        const model = modelFor(s.wfm);
        const { servers } = model;
        await writeCfg(sql, s.first);
        await writeWfmSetup(sql, model);

        const syncAll = async (cfg: CfgState, order: string[]) => {
          for (const server of order) {
            const result = await runFullSync(sql, { server, trigger: "manual", batchSize: 3, coldImportMinimum: s.coldImport ? 1 : undefined });
            expect(result.status, result.error).not.toBe("failed");
            modelFullSync(cfg, model, server);
            expect(await readWfm(sql, servers)).toEqual(model);
            expect(await levelDigestDrift(sql)).toEqual([]);
          }
        };
        await syncAll(s.first, s.order1);

        // An administrator terminates some agents by hand and reinstates others.
        await terminateAndReinstate(sql, model, s.wfm.manual, s.wfm.reinstate);
        // …and changes, adds and removes skill levels by hand: no difference may hide from the next full sync.
        await editLevelsByHand(sql, model, s.handEdits);

        await writeCfg(sql, s.second);
        await syncAll(s.second, s.order2);

        // Then levels edited by hand while cfg stays as it is: the case a full sync that compares each agent's
        // levels by digest (cfg's hashed from its rows, WFM's kept by triggers) would miss if a write escaped
        // the digest. Every server syncs again.
        await editLevelsByHand(sql, model, s.laterHandEdits);
        await syncAll(s.second, SERVERS);
      }),
      propertyParameters(),
    );
  }, propertyTimeout());
});
