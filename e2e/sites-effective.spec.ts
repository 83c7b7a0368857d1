/**
 * Assignment tells the truth (issue 15, item 2): the Sites table says which server synchronizes each site —
 * assigned, or the level-2 server by default — and assigning a site to a server that is not running warns
 * before saving and says afterwards what happens to the site's agents.
 */
import { expect, test } from "@playwright/test";
import { adminPassword, productDatabase, signInAsAdmin } from "./helpers";

test("the effective server of every site, and an assignment to a stopped server warned before and explained after", async ({ page, request }) => {
  const sql = await productDatabase();
  expect((await request.post("/api/v1/session", { data: { username: "admin", password: adminPassword() } })).status()).toBe(204);
  expect((await request.post("/api/v1/servers", { data: { name: "Idle", syncLevel: 1 } })).status()).toBe(201);
  const [site] = await sql`
    select s.id, s.name, (select count(*)::int from wfm.agents a where a.site_id = s.id) as agents
      from wfm.sites s where s.server is null and s.switch_dbid is not null order by s.id limit 1`;
  try {
    await signInAsAdmin(page);
    await page.goto("/organization/sites");
    const table = page.getByRole("table", { name: "Sites" });
    const row = table.getByRole("row").filter({ has: page.getByRole("link", { name: site!.name, exact: true }) });
    const column = await table.getByRole("columnheader").allTextContents();
    const byCell = row.getByRole("cell").nth(column.indexOf("Synchronized by"));
    await expect(byCell).toHaveText("WFMServer (level 2, by default)");

    await row.getByLabel(`WFM Server of ${site!.name}`).selectOption("Idle");
    await expect(row.getByTestId("assignment-caution")).toHaveText("If saved: Idle is not running: nothing here is synchronized until it runs.");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(row.getByRole("status")).toHaveText(
      `${site!.name} is now synchronized by Idle. ${site!.name}'s ${site!.agents.toLocaleString("en")} agent${site!.agents === 1 ? "" : "s"} stop synchronizing until Idle runs.`,
    );
    await expect(byCell).toHaveText(/^IdleIdle is not running: nothing here is synchronized until it runs$/);
    await expect(row.getByTestId("assignment-caution")).toHaveCount(0);

    await row.getByLabel(`WFM Server of ${site!.name}`).selectOption("");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(row.getByRole("status")).toHaveText(`${site!.name} is no longer assigned to a server.`);
    await expect(byCell).toHaveText("WFMServer (level 2, by default)");
  } finally {
    await sql`update wfm.sites set server = null where server = 'Idle'`;
    await sql`delete from wfm.servers where name = 'Idle'`;
    await sql.end();
  }
});
