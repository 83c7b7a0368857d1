/**
 * Every page loads directly (a bookmark, a reload) without a browser console error — a hydration mismatch
 * such as React's #418 on /servers shows up here first.
 */
import { expect, test, type ConsoleMessage, type Page } from "@playwright/test";
import { inTabs, productDatabase, signInAsAdmin } from "./helpers";

test("each page of the console loads directly with no console error", async ({ page }) => {
  const sql = await productDatabase();
  const [agent] = await sql`select id from wfm.agents order by id limit 1`;
  const [site] = await sql`select id from wfm.sites order by id limit 1`;
  const [run] = await sql`select id from wfm.sync_runs order by id limit 1`;
  await sql.end();
  await signInAsAdmin(page);

  // Every tab of the context reports its console errors and uncaught exceptions, with the page they were on.
  const problems: string[] = [];
  const listen = (tab: Page) => {
    tab.on("console", (message: ConsoleMessage) => {
      if (message.type() === "error") problems.push(`${tab.url()}: ${message.text()}`);
    });
    tab.on("pageerror", (error) => problems.push(`${tab.url()}: ${error.message}`));
  };
  listen(page);
  page.context().on("page", listen);
  const pages = ["/", "/organization/sites", `/organization/sites/${site!.id}`, "/servers", "/sources", "/agents", `/agents/${agent!.id}`, "/sync", `/sync/${run!.id}`, "/users", "/validation", "/audit", "/preferences"];
  await inTabs(page, pages, async (tab) => {
    await expect(tab.getByRole("heading", { level: 1 })).toBeVisible();
  });
  expect(problems).toEqual([]);
});
