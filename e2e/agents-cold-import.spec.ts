/**
 * Issue 16: while a first import (a cold import, lib/sync/cold-import.ts) holds the agents' tables, the Agents
 * page says so with the run's progress instead of hanging on the lock (and GET /api/v1/agents answers 503), and
 * goes back to the list when the import ends. The import is real: a full sync of a source of its own with one agent more than WFM holds, run from this test
 * against the product's database, held where it reports its progress (its run's row locked by the test), then
 * stopped, so it keeps nothing and the source and its server can go again.
 */
import { expect, test } from "@playwright/test";
import { createClient } from "../lib/db/client";
import { runningEmbeddedUrl } from "../lib/db/embedded";
import { runFullSync } from "../lib/sync/engine";
import { signInAsAdmin } from "./helpers";

const SOURCE = "coldtest";
const SERVER = "Cold-1";

test("the Agents page says a first import is under way, with its progress, and shows the list again when it ends", async ({ page }) => {
  const url = await runningEmbeddedUrl(process.env.E2E_DATA_DIR!);
  expect(url, "the embedded PostgreSQL of the product under test").toBeTruthy();
  const database = createClient(url!, { max: 3 });
  const { sql } = database;
  const holder = createClient(url!, { max: 1, session: true });
  const stop = new AbortController();
  let running: ReturnType<typeof runFullSync> | undefined;
  let held = false;
  try {
    await signInAsAdmin(page);
    const created = await page.request.post("/api/v1/sources", { data: { name: SOURCE } });
    expect(created.status(), await created.text()).toBe(201);
    const stamp = Date.now();
    await sql`insert into cfg_coldtest.tenants (name) values (${`Cold ${stamp}`})`;
    // A first import is a cold one when it brings at least as many agents as WFM holds (the demo's).
    const [{ present }] = (await sql`select count(*)::int as present from wfm.agents`) as unknown as [{ present: number }];
    await sql`insert into cfg_coldtest.persons (tenant_dbid, username, first_name, last_name, is_agent)
              select t.dbid, 'cold.' || n || '.' || ${stamp}, 'Cold', 'Agent ' || n, true
                from cfg_coldtest.tenants t, generate_series(1, ${present + 1}) n`;
    await sql`insert into wfm.servers (name, sync_level, source) values (${SERVER}, 2, ${SOURCE})`;

    // The run reports its progress right after it has set the indexes aside: the test holds its row there.
    let reachedHold!: () => void;
    const holding = new Promise<void>((resolve) => (reachedHold = resolve));
    running = runFullSync(sql, {
      server: SERVER,
      trigger: "manual",
      coldImportMinimum: 1,
      signal: stop.signal,
      onStart: async (runId) => {
        await holder.sql`begin`;
        await holder.sql`select id from wfm.sync_runs where id = ${runId} for update`;
        held = true;
        reachedHold();
      },
    });
    await holding;
    await expect
      .poll(async () => (await sql`select count(*)::int as n from pg_locks where relation = 'wfm.agents'::regclass and mode = 'AccessExclusiveLock' and granted`)[0]!.n)
      .toBe(1);

    await page.goto("/agents");
    await expect(page.getByRole("heading", { name: "The first import of agents is under way" })).toBeVisible();
    await expect(page.getByText(`${SERVER} is importing the agents of source ${SOURCE}`)).toBeVisible();
    await expect(page.getByRole("progressbar", { name: /^Progress of run \d+$/ })).toBeVisible();
    await expect(page.getByRole("link", { name: /^follow run \d+$/ })).toBeVisible();
    // Its REST twin answers at once too: 503, with when to try again.
    const listed = await page.request.get("/api/v1/agents");
    expect(listed.status(), await listed.text()).toBe(503);
    expect(listed.headers()["retry-after"]).toBe("5");
    expect(((await listed.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining(`of ${SERVER}, source ${SOURCE}`) });

    // Stopped: the import keeps nothing, and the page (refreshing itself) shows the list again.
    stop.abort("the test is done with it");
    await holder.sql`rollback`;
    held = false;
    const result = await running;
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/nothing of this run was kept/);
    await expect(page.getByRole("heading", { name: "The first import of agents is under way" })).toBeHidden({ timeout: 15_000 });
    await expect(page.getByRole("search")).toBeVisible();
    expect((await sql`select count(*)::int as n from wfm.agents where source = ${SOURCE}`)[0]!.n).toBe(0);

    // Nothing of it stayed in WFM: once its server is gone, the source can be deleted.
    await sql`delete from wfm.sync_events where run_id in (select id from wfm.sync_runs where server = ${SERVER})`;
    await sql`delete from wfm.sync_runs where server = ${SERVER}`;
    await sql`delete from wfm.servers where name = ${SERVER}`;
    const deleted = await page.request.delete(`/api/v1/sources/${SOURCE}`);
    expect(deleted.status(), await deleted.text()).toBe(204);
  } finally {
    stop.abort("the test ended");
    if (held) await holder.sql`rollback`.catch(() => {});
    await running?.catch(() => {});
    await sql`delete from wfm.sync_events where run_id in (select id from wfm.sync_runs where server = ${SERVER})`.catch(() => {});
    await sql`delete from wfm.sync_runs where server = ${SERVER}`.catch(() => {});
    await sql`delete from wfm.servers where name = ${SERVER}`.catch(() => {});
    await page.request.delete(`/api/v1/sources/${SOURCE}`).catch(() => {});
    await holder.close();
    await database.close();
  }
});
