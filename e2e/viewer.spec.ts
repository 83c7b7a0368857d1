/**
 * Flow 5 (issue 5): import a person from cfg as a viewer, give them a password, sign in as them: no assign,
 * terminate or full-sync controls, and the writes are refused on the server.
 */
import { expect, test } from "@playwright/test";
import { callServerAction, productDatabase, serverActionId, signInAsAdmin } from "./helpers";

test("a viewer imported from cfg sees no write controls, and the server refuses their writes", async ({ page, context, baseURL }) => {
  const sql = await productDatabase();
  const [person] = await sql`
    select p.dbid, p.username, p.first_name, p.last_name from cfg.persons p
     where not p.is_agent and not exists (select 1 from wfm.users u where u.cfg_dbid = p.dbid) order by p.dbid limit 1`;
  const [agent] = await sql`select id from wfm.agents where termination_date is null order by id limit 1`;

  await signInAsAdmin(page);
  await page.goto(`/users?q=${encodeURIComponent(person!.username)}`);
  const importForm = page.getByRole("form", { name: "Import users" });
  await importForm.getByRole("checkbox", { name: new RegExp(`\\(${person!.username}\\)`) }).check();
  await importForm.getByLabel("Role").selectOption("viewer");
  await importForm.getByRole("button", { name: "Import" }).click();
  await expect(importForm.getByRole("status")).toHaveText(`Imported ${person!.username}.`);
  const row = page.getByRole("table", { name: "WFM users" }).getByRole("row", { name: new RegExp(`^${person!.username} `) });
  await row.getByLabel(`New password for ${person!.username}`).fill("viewer-pass-123");
  await row.getByRole("button", { name: "Set password" }).click();
  await expect(row.getByRole("status").last()).toHaveText("Password set; the user's sessions were ended.");
  await page.getByRole("button", { name: "Sign out" }).click();

  await page.getByLabel("User name").fill(person!.username);
  await page.getByLabel("Password").fill("viewer-pass-123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-user")).toHaveText(`${person!.first_name} ${person!.last_name}`);

  await page.goto("/organization/sites");
  await expect(page.getByRole("table", { name: "Sites" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Save" })).toHaveCount(0);
  await page.goto("/servers");
  await expect(page.getByRole("table", { name: "WFM Servers" }).getByRole("row", { name: /^WFMServer/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /Run full sync/ })).toHaveCount(0);
  await page.goto(`/agents/${agent!.id}`);
  await expect(page.getByText("Only supervisors and administrators can terminate or reinstate agents.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Sync now" })).toHaveCount(0);
  await page.goto("/users");
  await expect(page.getByRole("table", { name: "WFM users" })).toBeVisible();
  await expect(page.getByRole("form", { name: "Import users" })).toHaveCount(0);

  // The writes themselves refuse a viewer, whatever the page shows (the REST twins share the check).
  const refused = await context.request.patch("/api/v1/agents/" + agent!.id, { data: { terminationDate: "2030-01-01" } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toBe("Your role (viewer) may not terminate or reinstate agents; an administrator or a supervisor can.");

  // The server actions behind the hidden controls, called directly with the viewer's cookie: each refuses.
  const [site] = await sql`select id, server from wfm.sites order by id limit 1`;
  const assign = await callServerAction(context.request, baseURL!, "/organization/sites", serverActionId("app/(console)/organization/sites/actions.ts", "assignSiteAction"), { ok: true, message: null }, { siteId: String(site!.id), server: "" });
  expect(assign.status).toBe(200);
  expect(assign.body).toContain("Your role (viewer) may not change sites; an administrator can.");
  const terminate = await callServerAction(context.request, baseURL!, `/agents/${agent!.id}`, serverActionId("app/(console)/agents/[id]/actions.ts", "terminationAction"), { ok: true, message: null }, { agentId: String(agent!.id), terminated: "on", terminationDate: "2030-01-01" });
  expect(terminate.body).toContain("Your role (viewer) may not terminate or reinstate agents");
  const [after] = await sql`select (select server from wfm.sites where id = ${site!.id}) as server, (select termination_date from wfm.agents where id = ${agent!.id}) as date`;
  expect(after).toEqual({ server: site!.server, date: null });
  await sql.end();
  await page.screenshot({ path: test.info().outputPath("viewer-agent.png"), fullPage: true });
});
