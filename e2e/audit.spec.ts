/**
 * The audit trail (issue 15 item 6): an administrator terminates and reinstates an agent and assigns a site in
 * the browser; the lines say who and when on Agent Properties, on the site's page and on the Audit page
 * filtered by user and object type, and GET /api/v1/audit answers them in the documented shape. The Agents
 * list and API filter by awaiting full sync and by termination source.
 *
 * The agent is put back as it was and the site removed again, so the demo data later specs count on is kept.
 */
import { expect, test } from "@playwright/test";
import * as shape from "../lib/api/shapes";
import { expectError, expectShape, productDatabase, signInAsAdmin } from "./helpers";

test("terminate, reinstate and assign in the browser; read it back on the pages, on /audit and over REST", async ({ page }) => {
  const sql = await productDatabase();
  const [agent] = await sql<{ id: number; username: string; first_name: string; last_name: string }[]>`
    select id, username, first_name, last_name from wfm.agents
     where termination_date is null and not awaiting_full_sync order by id desc limit 1`;
  const agentName = `${agent!.first_name} ${agent!.last_name} (${agent!.username})`;
  let siteId: number | null = null;
  try {
    await signInAsAdmin(page);
    const zones = (await (await page.request.get("/api/v1/time-zones")).json()).items as { name: string }[];
    const siteName = `Audited ${Date.now()}`;
    const created = await page.request.post("/api/v1/sites", { data: { name: siteName, timeZone: zones[0]!.name } });
    expect(created.status()).toBe(201);
    siteId = (await created.json()).id as number;

    // Terminate and reinstate on Agent Properties.
    await page.goto(`/agents/${agent!.id}`);
    const termination = page.getByRole("region", { name: "Termination" });
    await termination.getByLabel("Termination Date", { exact: true }).check();
    await termination.getByLabel("Termination date", { exact: true }).fill("2031-02-03");
    await termination.getByRole("button", { name: "Save" }).click();
    await expect(termination.getByRole("status").first()).toHaveText(/^Terminated as of 2031-02-03\./);

    // Terminated by hand: the Agents filter finds it, in the page and over REST.
    const byHand = (await (await page.request.get("/api/v1/agents?terminationSource=manual&limit=200")).json()).items as { id: number }[];
    expect(byHand.map((a) => a.id)).toContain(agent!.id);

    await termination.getByLabel("Termination Date", { exact: true }).uncheck();
    await termination.getByRole("button", { name: "Save" }).click();
    await expect(termination.getByRole("status").first()).toHaveText(/^Reinstated\./);

    await page.reload();
    const history = page.getByRole("table", { name: "History of this agent" });
    await expect(history.getByRole("row").nth(1)).toContainText(/admin\s*reinstated\s*termination date: 2031-02-03 → none/);
    await expect(history.getByRole("row").nth(2)).toContainText(/admin\s*terminated\s*termination date: none → 2031-02-03/);

    // Reinstated, it awaits a full sync: the Agents page's filter lists it.
    await page.goto("/agents");
    await page.getByLabel("Full sync").selectOption("Awaiting full sync");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/awaitingFullSync=true/);
    await expect(page.getByRole("table", { name: "Agents" }).getByRole("cell", { name: agent!.username, exact: true })).toBeVisible();

    // Assign the site inline on Organization > Sites; its page's History says so.
    await page.goto("/organization/sites");
    const row = page.getByRole("table", { name: "Sites" }).getByRole("row").filter({ has: page.getByRole("link", { name: siteName, exact: true }) });
    await row.getByLabel(`WFM Server of ${siteName}`).selectOption("WFMServer");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(row.getByRole("status")).toHaveText(new RegExp(`^${siteName} is now synchronized by WFMServer\\.`));
    await page.goto(`/organization/sites/${siteId}`);
    await expect(page.getByRole("table", { name: "History of this site" }).getByRole("row").nth(1)).toContainText(/admin\s*assigned\s*WFM Server: none → WFMServer/);

    // The Audit page, filtered by user and object type in its form.
    await page.goto("/audit");
    const filters = page.getByRole("form", { name: "Audit filters" });
    await filters.getByLabel("User").fill("ADMIN");
    await filters.getByLabel("Object type").selectOption("agent");
    await filters.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/user=ADMIN.*objectType=agent/);
    const trail = page.getByRole("table", { name: "Audit trail" });
    const agentLines = trail.getByRole("row").filter({ has: page.getByRole("link", { name: agentName }) });
    await expect(agentLines.nth(0)).toContainText("reinstated");
    await expect(agentLines.nth(1)).toContainText("terminated");
    await expect(trail.getByRole("cell", { name: new RegExp(siteName) })).toHaveCount(0);
    await filters.getByLabel("Object type").selectOption("site");
    await filters.getByRole("button", { name: "Filter" }).click();
    await expect(trail.getByRole("row").filter({ has: page.getByRole("link", { name: siteName }) })).toHaveCount(2); // created over REST, then assigned
    await page.screenshot({ path: test.info().outputPath("audit.png"), fullPage: true });

    // GET /api/v1/audit: the same lines, in the documented shape.
    const answer = await page.request.get(`/api/v1/audit?user=admin&objectType=agent&objectKey=${agent!.id}`);
    expect(answer.status()).toBe(200);
    const body = await answer.json();
    expectShape(shape.page(shape.auditShape), body);
    expect(body.items.slice(0, 2)).toMatchObject([
      { user: "admin", action: "reinstated", objectType: "agent", objectKey: String(agent!.id), detail: { terminationDate: { from: "2031-02-03", to: null } } },
      { user: "admin", action: "terminated", objectType: "agent", objectKey: String(agent!.id), detail: { terminationDate: { from: null, to: "2031-02-03" } } },
    ]);
    const sites = await (await page.request.get(`/api/v1/audit?objectType=site&objectKey=${siteId}&action=assigned`)).json();
    expect(sites.items).toMatchObject([{ user: "admin", detail: { server: { from: null, to: "WFMServer" } } }]);
    const paged = await (await page.request.get(`/api/v1/audit?objectType=agent&objectKey=${agent!.id}&limit=1`)).json();
    expect(paged.items).toHaveLength(1);
    expect((await (await page.request.get(`/api/v1/audit?objectType=agent&objectKey=${agent!.id}&cursor=${paged.next}`)).json()).items[0]).toMatchObject({ action: "terminated" });

    await expectError(await page.request.get("/api/v1/audit?objectType=user"), 400, "BAD_INPUT", ["objectType"]);
    await expectError(await page.request.get("/api/v1/audit?from=yesterday"), 400, "BAD_INPUT", ["from"]);
    await expectError(await page.request.get("/api/v1/audit?objectKey=7"), 400, "BAD_INPUT", ["objectKey"]);
    await expectError(await page.request.get("/api/v1/agents?awaitingFullSync=yes"), 400, "BAD_INPUT", ["awaitingFullSync"]);
  } finally {
    await sql`update wfm.agents set awaiting_full_sync = false where id = ${agent!.id}`;
    if (siteId !== null) await page.request.delete(`/api/v1/sites/${siteId}`);
    await sql.end();
  }
});
