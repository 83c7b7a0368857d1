/**
 * Configuration sources (SPEC §2.9, issue 13) on the Sources page and over REST: an administrator adds the local
 * source eu in the browser, writes a person into it through the config API (?source=eu) without touching cfg,
 * sees its counts, is refused deleting main and deleting eu while a server belongs to it (the refusal names the
 * server), and then deletes eu with its schema.
 */
import { expect, test, type Locator } from "@playwright/test";
import { sourceShape } from "../lib/api/source-shapes";
import { expectError, expectShape, productDatabase, signInAsAdmin } from "./helpers";

/** The Sources table's cells of one row, by column: the name is the row's header, the rest are cells. */
const column = { kind: 0, schema: 1, feed: 2, tenants: 3, persons: 4, agents: 5, servers: 6 } as const;
const cell = (row: Locator, name: keyof typeof column) => row.getByRole("cell").nth(column[name]);

test("an admin adds source eu, fills it through the config API, is refused deleting main and a source with a server, then deletes eu", async ({ page }) => {
  const sql = await productDatabase();
  const stamp = Date.now();
  const server = `EuServer${stamp}`;
  try {
    await signInAsAdmin(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sources", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Sources" })).toBeVisible();
    const table = page.getByRole("table", { name: "Sources" });
    await expect(table.getByRole("row", { name: /^main\b/ })).toBeVisible();
    // main is never offered for deletion, and the page says why.
    await expect(page.getByRole("form", { name: "Delete main" })).toHaveCount(0);
    await expect(page.getByRole("region", { name: "main source" })).toContainText("it is never deleted");

    // A name that cannot be a source's is refused beside the field, and what was typed stays.
    const form = page.getByRole("form", { name: "Add a local source" });
    const sourcesBefore = await sql`select name from wfm.config_sources order by name`;
    await form.getByLabel("Name").fill("EU West");
    await form.getByRole("button", { name: "Add source" }).click();
    await expect(form.locator("#new-source-name-error")).toHaveText(/lower-case letter/);
    await expect(form.getByLabel("Name")).toHaveValue("EU West");
    expect(await sql`select name from wfm.config_sources order by name`).toEqual(sourcesBefore);

    await form.getByLabel("Name").fill("eu");
    await form.getByRole("button", { name: "Add source" }).click();
    await expect(form.getByRole("status")).toHaveText(/^eu added, with schema cfg_eu\./);
    const eu = table.getByRole("row", { name: /^eu\b/ });
    await expect(cell(eu, "kind")).toHaveText("local");
    await expect(cell(eu, "schema")).toHaveText("cfg_eu");
    await expect(cell(eu, "persons")).toHaveText("0");
    await expect(cell(eu, "servers")).toHaveText("none");
    expect(await sql`select kind, schema from wfm.config_sources where name = 'eu'`).toEqual([{ kind: "local", schema: "cfg_eu" }]);
    // The same name again is refused beside the field.
    await form.getByLabel("Name").fill("eu");
    await form.getByRole("button", { name: "Add source" }).click();
    await expect(form.locator("#new-source-name-error")).toHaveText('A configuration source named "eu" exists already.');

    // A tenant and a person in eu through the config API; cfg (main) is not touched.
    const mainFeed = Number((await sql`select seq from cfg.change_counter`)[0]!.seq);
    const tenant = await page.request.post("/api/v1/config/tenants?source=eu", { data: { name: `EU Tenant ${stamp}` } });
    expect(tenant.status(), await tenant.text()).toBe(201);
    const tenantDbid = (await tenant.json()).dbid as number;
    const person = await page.request.post("/api/v1/config/persons?source=eu", { data: { tenantDbid, username: `eu.ava.${stamp}`, firstName: "Ava" } });
    expect(person.status(), await person.text()).toBe(201);
    const personDbid = (await person.json()).dbid as number;
    expect(await (await page.request.get(`/api/v1/config/persons/${personDbid}?source=eu`)).json()).toMatchObject({ username: `eu.ava.${stamp}` });
    expect(await sql`select 1 from cfg_eu.persons where username = ${`eu.ava.${stamp}`}`).toHaveLength(1);
    expect(await sql`select 1 from cfg.persons where username = ${`eu.ava.${stamp}`}`).toHaveLength(0);
    expect(Number((await sql`select seq from cfg.change_counter`)[0]!.seq)).toBe(mainFeed);

    await page.reload();
    await expect(cell(eu, "persons")).toHaveText("1");
    await expect(cell(eu, "tenants")).toHaveText("1");
    await expect(cell(eu, "feed")).toHaveText("2");
    const answered = await page.request.get("/api/v1/sources/eu");
    expect(answered.status()).toBe(200);
    const body: unknown = await answered.json();
    expectShape(sourceShape, body, "/sources/eu");
    expect(body).toMatchObject({ counts: { tenants: 1, persons: 1, agents: 0 }, servers: [], replication: null });

    // main cannot be deleted over REST either.
    const refusedMain = await expectError(await page.request.delete("/api/v1/sources/main"), 400, "BAD_INPUT");
    expect(refusedMain.message).toContain("main cannot be deleted");

    // A server belongs to eu: deleting eu is refused, naming it.
    const registered = await page.request.post("/api/v1/servers", { data: { name: server, source: "eu", syncLevel: 1 } });
    expect(registered.status(), await registered.text()).toBe(201);
    await page.reload();
    await expect(cell(eu, "servers")).toHaveText(server);
    const remove = page.getByRole("form", { name: "Delete eu" });
    await expect(remove).toContainText(`the server ${server} belongs to it`);
    await remove.getByRole("button", { name: "Delete source…" }).click();
    await remove.getByRole("button", { name: "Delete eu" }).click();
    await expect(remove.getByRole("status")).toContainText(`the WFM Server ${server} belongs to it`);
    expect(await sql`select 1 from wfm.config_sources where name = 'eu'`).toHaveLength(1);

    // Without the server, eu goes, with its schema.
    expect((await page.request.delete(`/api/v1/servers/${server}`)).status()).toBe(204);
    await page.reload();
    await remove.getByRole("button", { name: "Delete source…" }).click();
    await remove.getByRole("button", { name: "Delete eu" }).click();
    await expect(page.getByRole("status").filter({ hasText: "eu deleted, with its schema." })).toBeVisible();
    await expect(table.getByRole("row", { name: /^eu\b/ })).toHaveCount(0);
    expect(await sql`select 1 from wfm.config_sources where name = 'eu'`).toHaveLength(0);
    expect(await sql`select 1 from pg_namespace where nspname = 'cfg_eu'`).toHaveLength(0);
    await expectError(await page.request.get("/api/v1/config/persons?source=eu"), 404, "NOT_FOUND");
  } finally {
    await sql`delete from wfm.servers where name = ${server}`;
    await sql`drop schema if exists cfg_eu cascade`;
    await sql`delete from wfm.config_sources where name = 'eu'`;
    await sql.end();
  }
});
