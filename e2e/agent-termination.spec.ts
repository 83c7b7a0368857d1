/**
 * Flow 2 (issue 5): terminate an agent by hand; a cfg change to it is skipped with the log line; reinstate
 * it and the page says it awaits a full sync; "Sync now" brings the cfg change in.
 */
import { expect, test } from "@playwright/test";
import { productDatabase, signInAsAdmin } from "./helpers";

test("terminate, change in cfg (skipped), reinstate (awaiting full sync), Sync now (applied)", async ({ page }) => {
  const sql = await productDatabase();
  try {
    const [agent] = await sql`
      select a.id, a.cfg_dbid, a.last_name from wfm.agents a join wfm.sites s on s.id = a.site_id
       where a.termination_date is null and s.server is null order by a.id limit 1`;
    await signInAsAdmin(page);
    await page.goto(`/agents/${agent!.id}`);
    const termination = page.getByRole("region", { name: "Termination" });
    await termination.getByLabel("Termination Date", { exact: true }).check();
    await termination.getByLabel("Termination date", { exact: true }).fill("2026-12-31");
    await termination.getByRole("button", { name: "Save" }).click();
    await expect(termination.getByRole("status").first()).toHaveText(/^Terminated as of 2026-12-31\./);

    // A change in cfg while it is terminated by hand: left alone, and the log says so.
    await sql`update cfg.persons set last_name = 'Changed-E2E' where dbid = ${agent!.cfg_dbid}`;
    const events = page.getByRole("table", { name: "Sync events of this agent" });
    await expect(async () => {
      await page.reload();
      await expect(events.getByRole("cell", { name: /^skipped — manually terminated: person changed, change \d+$/ })).toBeVisible({ timeout: 1000 });
    }).toPass();
    await expect(page.getByRole("heading", { level: 1 })).not.toContainText("Changed-E2E");

    // Reinstated: waits for a full sync, and says when that is.
    await termination.getByLabel("Termination Date", { exact: true }).uncheck();
    await termination.getByRole("button", { name: "Save" }).click();
    await expect(termination.getByRole("status").first()).toHaveText(/^Reinstated\./);
    await page.reload();
    await expect(page.getByTestId("agent-status")).toHaveText(/^Awaiting full sync/);
    await expect(termination.getByText(/runs full syncs only at start-up or when asked|next full sync of/)).toBeVisible();

    await termination.getByRole("button", { name: "Sync now" }).click();
    await expect(termination.getByRole("status").last()).toHaveText(/^Synchronized now \(run \d+\)\.$/);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Changed-E2E");
    await expect(page.getByTestId("agent-status")).toHaveText("Active");
    await page.screenshot({ path: test.info().outputPath("agent-properties.png"), fullPage: true });
  } finally {
    await sql.end();
  }
});
