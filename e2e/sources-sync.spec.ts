/**
 * Issue 13 end to end (SPEC §2.9): an administrator adds the source eu in the browser, writes an eu tenant,
 * switch, skill and person through the config API (?source=eu), makes a site for the eu switch, and starts a
 * real WFM Server EU-1 of source eu at level 2 against the product's database. The person is imported by EU-1
 * alone, into that site, and every page says its source (Agents, Agent Properties, Servers, Sync history);
 * main's WFMServer never imports it. A skill in eu named like one of main's demo skills is a collision across
 * sources that Validation lists with both members and their sources, and that ends when the eu skill goes.
 *
 * Everything it makes goes again, through the product where it can: the server is stopped and deleted, the
 * site deleted, the source deleted on the Sources page. The imported agent is the exception (WFM never deletes
 * an agent, so a source that fed one could not be deleted otherwise): it is removed with SQL.
 */
import { expect, test, type Page } from "@playwright/test";
import { runningEmbeddedUrl } from "../lib/db/embedded";
import { spawnServer, type ServerProcess } from "../lib/server/process";
import { productDatabase, signInAsAdmin } from "./helpers";

const SOURCE = "eu";
const SERVER = "EU-1";
/** One of main's demo skills (lib/demo/workload.ts), under tenant 2 there and not a duplicate within main. */
const MAIN_SKILL = "Sales";

/** The value beside a term of a properties list (Agent Properties' <dl>). */
const property = (page: Page, term: string) => page.locator("dl.properties").locator(`dt:text-is("${term}") + dd`);

test("an eu person written through the config API is imported by EU-1 only, with its source; a skill named like main's collides on Validation", async ({ page }) => {
  const sql = await productDatabase();
  const stamp = Date.now();
  const username = `eu.eva.europa.${stamp}`;
  const switchName = `SW-EU-${stamp}`;
  const siteName = `Dublin ${stamp}`;
  let server: ServerProcess | undefined;
  try {
    // 1. The source, in the browser.
    await signInAsAdmin(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sources", exact: true }).click();
    const addForm = page.getByRole("form", { name: "Add a local source" });
    await addForm.getByLabel("Name").fill(SOURCE);
    await addForm.getByRole("button", { name: "Add source" }).click();
    await expect(addForm.getByRole("status")).toHaveText(/^eu added, with schema cfg_eu\./);

    // Its tenant, switch, skill and an agent with a login on that switch and a level in that skill.
    const post = async (path: string, data: Record<string, unknown>) => {
      const response = await page.request.post(`/api/v1/config/${path}?source=${SOURCE}`, { data });
      expect(response.status(), `${path}: ${await response.text()}`).toBe(201);
      return (await response.json()) as { dbid: number };
    };
    const tenant = await post("tenants", { name: `EU Tenant ${stamp}` });
    const sw = await post("switches", { tenantDbid: tenant.dbid, name: switchName });
    const skill = await post("skills", { tenantDbid: tenant.dbid, name: `EU Chat ${stamp}` });
    const person = await post("persons", {
      tenantDbid: tenant.dbid,
      username,
      firstName: "Eva",
      lastName: `Europa ${stamp}`,
      isAgent: true,
      logins: [{ switchDbid: sw.dbid, code: `eu-${stamp}` }],
      skills: [{ skillDbid: skill.dbid, level: 7 }],
    });
    // main's cfg has no such person: the write went to cfg_eu only.
    expect(await sql`select 1 from cfg.persons where username = ${username}`).toHaveLength(0);

    // A site for the eu switch, picked under the eu group of the site form's switch picker.
    const zones = (await (await page.request.get("/api/v1/time-zones")).json()).items as { name: string }[];
    await page.goto("/organization/sites");
    const siteForm = page.getByRole("form", { name: "New site" });
    const picker = siteForm.getByLabel("Switch");
    await expect(picker.locator(`optgroup[label="${SOURCE}"] > option`)).toHaveText([switchName]);
    await siteForm.getByLabel("Name").fill(siteName);
    await siteForm.getByLabel("Time zone").selectOption(zones[0]!.name);
    await picker.selectOption({ label: switchName });
    await expect(picker).toHaveValue(`${SOURCE}:${sw.dbid}`);
    await siteForm.getByRole("button", { name: "Create site" }).click();
    await expect(siteForm.getByRole("status")).toHaveText(`Site ${siteName} created.`);
    const siteRow = page.getByRole("table", { name: "Sites" }).getByRole("row").filter({ has: page.getByRole("link", { name: siteName, exact: true }) });
    await expect(siteRow).toContainText(`${switchName} (${SOURCE})`);

    // A real WFM Server of source eu at level 2, registered by its first start, as an operator would run it.
    server = await spawnServer({
      root: process.cwd(),
      databaseUrl: (await runningEmbeddedUrl(process.env.E2E_DATA_DIR!))!,
      name: SERVER,
      args: ["--host", "127.0.0.1", "--level", "2", "--source", SOURCE],
      output: "keep",
    });
    expect(await sql`select source, sync_level from wfm.servers where name = ${SERVER}`).toEqual([{ source: SOURCE, sync_level: 2 }]);

    // 2. Imported by EU-1, into the eu site, with its skill; main's WFMServer imports nothing of eu. (The dbid is
    // main's too — dbids are unique within a source only — so the log's line is told apart by the name.)
    await expect
      .poll(async () => sql`select a.source, s.name as site from wfm.agents a left join wfm.sites s on s.id = a.site_id where a.username = ${username}`)
      .toEqual([{ source: SOURCE, site: siteName }]);
    expect(
      (await sql`select r.server, r.source from wfm.sync_events e join wfm.sync_runs r on r.id = e.run_id
                  where e.object_type = 'agent' and e.object_key = ${String(person.dbid)} and e.action = 'added'
                    and e.message like ${`added: Eva Europa ${stamp}%`}`).map((r) => `${r.server}/${r.source}`),
    ).toEqual([`${SERVER}/${SOURCE}`]);
    expect(await sql`select 1 from wfm.sync_runs where server = 'WFMServer' and source <> 'main'`).toHaveLength(0);

    // Agents, filtered by source eu: the agent, in its site, its source said in its own column.
    await page.goto("/agents");
    const filters = page.getByRole("search");
    await filters.getByLabel("Search").fill(username);
    await filters.getByLabel("Source").selectOption(SOURCE);
    await filters.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/[?&]source=eu\b/);
    const agents = page.getByRole("table", { name: "Agents" });
    await expect(agents.getByRole("row")).toHaveCount(2); // the header and the agent
    const agentRow = agents.getByRole("row").filter({ has: page.getByRole("link", { name: `Eva Europa ${stamp}` }) });
    await expect(agentRow.getByRole("cell")).toHaveText([`Eva Europa ${stamp}`, username, "—", siteName, SOURCE, "active"]);
    // Under main the same search finds nobody: WFMServer did not import it.
    await filters.getByLabel("Source").selectOption("main");
    await filters.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("status").filter({ hasText: /agents? match/ })).toHaveText("0 agents match.");
    await expect(page.getByText("No agent matches")).toBeVisible();

    // Agent Properties: source eu, synchronized by EU-1, with its eu skill.
    await page.goto(`/agents?q=${encodeURIComponent(username)}&source=${SOURCE}`);
    await agents.getByRole("link", { name: `Eva Europa ${stamp}` }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Eva Europa ${stamp}`);
    await expect(property(page, "Source")).toHaveText(SOURCE);
    await expect(property(page, "cfg dbid / tenant")).toHaveText(`${person.dbid} / ${tenant.dbid}`);
    await expect(property(page, "Site")).toContainText(siteName);
    await expect(property(page, "Synchronized by")).toHaveText(SERVER);
    await expect(page.getByRole("list", { name: "Skills and levels" })).toHaveText(`EU Chat ${stamp} level 7`);

    // Servers: EU-1 belongs to eu. Sync history: EU-1's start-up run synced eu, and no run of WFMServer did.
    await page.goto("/servers");
    await expect(page.getByRole("table", { name: "WFM Servers" }).getByRole("row").filter({ has: page.getByRole("cell", { name: SERVER, exact: true }) }).getByRole("cell").nth(1)).toHaveText(SOURCE);
    await page.goto(`/sync?server=${SERVER}`);
    const runs = page.getByRole("table", { name: "Sync runs" });
    const startup = runs.getByRole("row", { name: new RegExp(`^\\d+ ${SERVER} full startup 2 `) });
    await expect(startup).toHaveCount(1);
    await expect(startup.getByRole("cell").nth(7)).toHaveText(SOURCE);
    await page.goto(`/sync?server=WFMServer&source=${SOURCE}`);
    await expect(page.getByText("No run matches these filters")).toBeVisible();

    // 3. A skill in eu named like main's: a collision across sources, listed on Validation with both members.
    const [mainSkill] = await sql`select k.dbid, k.tenant_dbid, t.name as tenant from cfg.skills k join cfg.tenants t on t.dbid = k.tenant_dbid where k.name = ${MAIN_SKILL}`;
    expect(mainSkill, `main's demo skill ${MAIN_SKILL}`).toBeTruthy();
    const twin = await post("skills", { tenantDbid: tenant.dbid, name: MAIN_SKILL });
    await page.goto("/validation");
    const duplicates = page.getByRole("table", { name: "Duplicate names" });
    await expect(duplicates.getByRole("row", { name: new RegExp(`^Skill ${MAIN_SKILL} `) }).getByRole("cell")).toHaveText([
      "Skill",
      MAIN_SKILL,
      `source main, tenant ${mainSkill!.tenant} (dbid ${mainSkill!.dbid}); source ${SOURCE}, tenant EU Tenant ${stamp} (dbid ${twin.dbid})`,
    ]);
    // EU-1 reads the skill's change and leaves it out of WFM: main's skill keeps the name.
    const feed = Number((await sql`select seq from cfg_eu.change_counter`)[0]!.seq);
    await expect.poll(async () => Number((await sql`select last_seq from wfm.sync_cursors where server = ${SERVER} and source = ${SOURCE}`)[0]?.last_seq ?? 0)).toBeGreaterThanOrEqual(feed);
    expect(await sql`select source from wfm.skills where name = ${MAIN_SKILL}`).toEqual([{ source: "main" }]);

    // The twin deleted in eu, Validation no longer lists the name.
    expect((await page.request.delete(`/api/v1/config/skills/${twin.dbid}?source=${SOURCE}`)).status()).toBe(204);
    await page.reload();
    await expect(page.getByRole("table", { name: "Duplicate names" }).getByRole("row", { name: new RegExp(`^Skill ${MAIN_SKILL} `) })).toHaveCount(0);

    // 4. Clean up through the product: stop EU-1 and delete it, delete the site, then the source.
    expect(await server.stop()).toBe(0);
    server = undefined;
    await page.goto("/servers");
    const removeServer = page.getByRole("form", { name: `Delete ${SERVER}` });
    await removeServer.getByRole("button", { name: "Delete server…" }).click();
    await removeServer.getByRole("button", { name: `Delete ${SERVER}` }).click();
    await expect(page.getByRole("status").filter({ hasText: `${SERVER} deleted.` })).toBeVisible();
    const [site] = await sql`select id from wfm.sites where name = ${siteName}`;
    expect((await page.request.delete(`/api/v1/sites/${site!.id}`)).status()).toBe(204);
    // WFM keeps agents (and the skills a stopped server imported) for good: only SQL removes them.
    await sql`delete from wfm.agents where source = ${SOURCE}`;
    await sql`delete from wfm.skills where source = ${SOURCE}`;
    await page.goto("/sources");
    const removeSource = page.getByRole("form", { name: `Delete ${SOURCE}` });
    await removeSource.getByRole("button", { name: "Delete source…" }).click();
    await removeSource.getByRole("button", { name: `Delete ${SOURCE}` }).click();
    await expect(page.getByRole("status").filter({ hasText: `${SOURCE} deleted, with its schema.` })).toBeVisible();
    expect(await sql`select 1 from pg_namespace where nspname = 'cfg_eu'`).toHaveLength(0);
  } finally {
    // Whatever an earlier failure left: the process, then every row naming the server or the source.
    await server?.stop();
    await sql`delete from wfm.sites where switch_source = ${SOURCE}`;
    await sql`delete from wfm.agents where source = ${SOURCE}`;
    await sql`delete from wfm.skills where source = ${SOURCE}`;
    await sql`delete from wfm.time_zones where source = ${SOURCE}`;
    await sql`delete from wfm.sync_cursors where server = ${SERVER}`;
    await sql`delete from wfm.servers where name = ${SERVER}`;
    await sql`drop schema if exists cfg_eu cascade`;
    await sql`delete from wfm.config_sources where name = ${SOURCE}`;
    await sql.end();
  }
});
