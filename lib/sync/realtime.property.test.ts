/**
 * Real-time sync against the reference model: random cfg states and sites, full syncs, manual terminations
 * and reinstatements, then a second cfg state written as any cfg writer would — and the change feed applied
 * in batches of random size. WFM must equal the model's real-time result, and the cursor the counter.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createClient, type Database } from "../db/client";
import { cfgState, modelFor, propertyParameters, propertyTimeout, SERVERS, terminateAndReinstate, wfmSetup } from "../testing/cfg-arbitrary";
import { freshDatabase } from "../testing/database";
import { modelFullSync } from "../testing/sync-model";
import { readWfm, resetWorld, writeCfg, writeWfmSetup } from "../testing/world";
import { runFullSync } from "./engine";
import { applyFeedBatch, newFeedSession } from "./realtime";

const scenario = fc.record({
  first: cfgState(6),
  second: cfgState(7),
  wfm: wfmSetup,
  order: fc.shuffledSubarray(SERVERS, { minLength: 1, maxLength: 3 }),
  limit: fc.constantFrom(1, 3, 17, 10_000),
  // Small batches send their steps down one pipeline; 0 sends them one at a time, as a large batch does.
  pipelineUpTo: fc.constantFrom(0, 50, 10_000),
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
        const model = modelFor(s.wfm);
        const { servers } = model;
        await writeCfg(sql, s.first);
        await writeWfmSetup(sql, model);
        for (const server of SERVERS) {
          expect((await runFullSync(sql, { server, trigger: "startup" })).status).not.toBe("failed");
          modelFullSync(s.first, model, server);
        }
        expect(await readWfm(sql, servers)).toEqual(model);

        await terminateAndReinstate(sql, model, s.wfm.manual, s.wfm.reinstate);

        await writeCfg(sql, s.second);
        const [{ head }] = (await sql`select seq as head from cfg.change_counter`) as unknown as [{ head: number }];
        for (const server of s.order) {
          let runId: number | null = null;
          for (let batches = 0; ; batches++) {
            expect(batches).toBeLessThan(10_000);
            const batch = await applyFeedBatch(feed.sql, sessions.get(server)!, { server, runId, limit: s.limit, pipelineUpTo: s.pipelineUpTo });
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
      propertyParameters(),
    );
  }, propertyTimeout());
});
