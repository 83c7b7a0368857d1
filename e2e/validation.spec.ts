/**
 * Flow 4 (issue 5): the demo's duplicate skill name shows on Validation, and as an error in the start-up
 * run's log, reached through the log filters.
 */
import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "./helpers";

test("the duplicate skill is on Validation and an error line in the run's log, found with the filters", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto("/validation");
  await expect(page.getByRole("table", { name: "Duplicate names" }).getByRole("row", { name: /Skill Billing/ })).toBeVisible();

  await page.goto("/sync");
  const startup = page.getByRole("table", { name: "Sync runs" }).getByRole("row", { name: /WFMServer full startup 2 WFMServer partial/ }).last();
  await startup.getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Run \d+$/);
  const filters = page.getByRole("form", { name: "Log filters" });
  await filters.getByLabel("Action").selectOption("error");
  await filters.getByLabel("Object type").selectOption("skill");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=error&objectType=skill/);
  const log = page.getByRole("table", { name: "Run log" });
  await expect(log.getByRole("row")).toHaveCount(2); // the header and the one collision
  await expect(log.getByRole("cell", { name: /^Skill name 'Billing' is used more than once: tenant 1 .* dbid 1, tenant 2 .* None of them is synchronized until the names are made unique\.$/ })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("run-log.png"), fullPage: true });
});
