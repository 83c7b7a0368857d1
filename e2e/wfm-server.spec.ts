/**
 * The WFM Server that `npm start` runs: the Servers page shows it as primary and up to date, and a change
 * written into the Configuration Database shows in the console moments later.
 */
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { runningEmbeddedUrl } from "../lib/db/embedded";
import { signInAsAdmin } from "./helpers";

test("WFMServer is primary and up to date; an agent added in cfg appears in WFM without any action", async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Servers", exact: true }).click();
  const row = page.getByRole("table", { name: "WFM Servers" }).getByRole("row", { name: /^WFMServer/ });
  await expect(row.getByText("primary", { exact: true })).toBeVisible();
  await expect(row.getByRole("cell", { name: "up to date" })).toBeVisible();

  const url = await runningEmbeddedUrl(process.env.E2E_DATA_DIR!);
  expect(url, "the embedded PostgreSQL of the product under test").toBeTruthy();
  const sql = postgres(url!, { max: 1, onnotice: () => {} });
  try {
    const [before] = await sql`select count(*)::int as n from wfm.agents`;
    await sql.begin(async (tx) => {
      const [sw] = await tx`select s.dbid, s.tenant_dbid from cfg.switches s join wfm.sites w on w.switch_dbid = s.dbid order by s.dbid limit 1`;
      const [person] = await tx`insert into cfg.persons (tenant_dbid, username, first_name, last_name, is_agent)
                                values (${sw!.tenant_dbid}, 'e2e.realtime', 'Rita', 'Realtime', true) returning dbid`;
      await tx`insert into cfg.agent_logins (switch_dbid, code, person_dbid) values (${sw!.dbid}, 'e2e-rt', ${person!.dbid})`;
    });
    const stat = page.locator(".stat").filter({ hasText: "Agents in WFM" });
    await expect(async () => {
      await page.goto("/agents");
      await expect(stat).toContainText((before!.n + 1).toLocaleString("en"), { timeout: 1000 });
    }).toPass();
    const [event] = await sql`
      select r.server, r.kind, e.message from wfm.sync_events e join wfm.sync_runs r on r.id = e.run_id
       where e.action = 'added' and e.message like 'added: Rita Realtime%'`;
    expect(event).toMatchObject({ server: "WFMServer", kind: "realtime" });
  } finally {
    await sql.end();
  }
  await page.screenshot({ path: test.info().outputPath("agents-after-realtime.png"), fullPage: true });
});
