/**
 * Every page loads directly (a bookmark, a reload) without a browser console error — a hydration mismatch
 * such as React's #418 on /servers shows up here first.
 */
import { expect, test, type ConsoleMessage } from "@playwright/test";
import { productDatabase, signInAsAdmin } from "./helpers";

test("each page of the console loads directly with no console error", async ({ page }) => {
  const sql = await productDatabase();
  const [agent] = await sql`select id from wfm.agents order by id limit 1`;
  const [site] = await sql`select id from wfm.sites order by id limit 1`;
  const [run] = await sql`select id from wfm.sync_runs order by id limit 1`;
  await sql.end();
  await signInAsAdmin(page);

  const problems: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() === "error") problems.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
  const pages = ["/", "/organization/sites", `/organization/sites/${site!.id}`, "/servers", "/agents", `/agents/${agent!.id}`, "/sync", `/sync/${run!.id}`, "/users", "/validation", "/audit", "/preferences"];
  for (const path of pages) {
    await page.goto(path, { waitUntil: "networkidle" });
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  }
  expect(problems).toEqual([]);
});
