/**
 * Flow 3 (issue 5): Run full sync on the Servers page; the run starts, finishes, and appears in Sync history
 * with its counts.
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
  // The table refreshes itself: the run shows finished without reloading the page.
  await expect(row.getByText(/idle — last full sync (succeeded|partial)/)).toBeVisible();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sync history" }).click();
  const run = page.getByRole("table", { name: "Sync runs" }).getByRole("row", { name: new RegExp(`^${runId} WFMServer full manual 2 admin `) });
  await expect(run).toBeVisible();
  await expect(run.getByRole("cell", { name: /^(succeeded|partial)$/ })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("sync-history.png"), fullPage: true });
});
