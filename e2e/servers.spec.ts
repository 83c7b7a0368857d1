/**
 * Flow 3 (issue 5): Run full sync on the Servers page; the run starts, finishes, and appears in Sync history
 * with its counts. Issue 15 item 4: the button links the run it started, and the row its last full sync.
 */
import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "./helpers";

test("Run full sync on the Servers page; the run completes and is in Sync history", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto("/servers");
  const row = page.getByRole("table", { name: "WFM Servers" }).getByRole("row", { name: /^WFMServer/ });
  await row.getByRole("button", { name: "Run full sync on WFMServer" }).click();
  const status = row.getByRole("status");
  await expect(status).toHaveText(/^Full sync started \(run \d+\)\.$/);
  const runId = Number(/run (\d+)/.exec((await status.textContent()) ?? "")![1]);
  // The table refreshes itself: the run shows finished, linked, without reloading the page.
  await expect(row.getByRole("link", { name: new RegExp(`^Last full sync of WFMServer: run ${runId}, (succeeded|partial)$`) })).toBeVisible();
  // The demo's duplicate skill name makes every full sync partial: the row says why.
  await expect(row.getByText(/^ — 1 error: Skill name 'Billing' is used more than once/)).toBeVisible();
  // The run's own page is a click away from the button that started it.
  await row.getByRole("link", { name: `Watch run ${runId} →` }).click();
  await expect(page).toHaveURL(new RegExp(`/sync/${runId}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Run ${runId}`);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sync history" }).click();
  const run = page.getByRole("table", { name: "Sync runs" }).getByRole("row", { name: new RegExp(`^${runId} WFMServer full manual 2 admin `) });
  await expect(run).toBeVisible();
  await expect(run.getByRole("cell", { name: /^(succeeded|partial)$/ })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("sync-history.png"), fullPage: true });
});
