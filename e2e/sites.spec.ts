/**
 * Flow 1 (issue 5): an administrator assigns a site to a second WFM Server in the browser; an agent then
 * added to cfg on that site's switch is imported by that server and not by the first.
 */
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { runningEmbeddedUrl } from "../lib/db/embedded";
import { spawnServer } from "../lib/server/process";
import { signInAsAdmin } from "./helpers";

test("assign a site to a second server; its new agents are imported by that server only", async ({ page }) => {
  const url = await runningEmbeddedUrl(process.env.E2E_DATA_DIR!);
  expect(url, "the embedded PostgreSQL of the product under test").toBeTruthy();
  const sql = postgres(url!, { max: 1, onnotice: () => {} });
  const [site] = await sql`select s.id, s.name, s.switch_dbid, sw.tenant_dbid from wfm.sites s join cfg.switches sw on sw.dbid = s.switch_dbid order by s.id desc limit 1`;
  const [wfmServer] = await sql`select mesh_url from wfm.servers where name = 'WFMServer'`;
  expect(wfmServer!.mesh_url, "WFMServer runs with web events under test").toBeTruthy();
  // The second server joins the mesh of the first, as an operator would start it.
  const branch = await spawnServer({
    root: process.cwd(),
    databaseUrl: url!,
    name: "Branch",
    args: ["--level", "1", "--web-events", "--peer", wfmServer!.mesh_url],
    env: { WFM_MESH_SECRET: process.env.E2E_MESH_SECRET },
    output: "keep",
  });
  try {
    await branch.waitForLine((l) => String(l.msg).startsWith("mesh: connected to"));
    await signInAsAdmin(page);
    await page.goto("/organization/sites");
    const row = page.getByRole("table", { name: "Sites" }).getByRole("row").filter({ has: page.getByRole("link", { name: site!.name, exact: true }) });
    await row.getByLabel(`WFM Server of ${site!.name}`).selectOption("Branch");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(row.getByRole("status")).toHaveText(`${site!.name} is now synchronized by Branch.`);

    const [person] = await sql.begin(async (tx) => {
      const rows = await tx`insert into cfg.persons (tenant_dbid, username, first_name, last_name, is_agent)
                            values (${site!.tenant_dbid}, 'e2e.branch', 'Bea', 'Branch', true) returning dbid`;
      await tx`insert into cfg.agent_logins (switch_dbid, code, person_dbid) values (${site!.switch_dbid}, 'e2e-branch', ${rows[0]!.dbid})`;
      return rows;
    });
    await expect
      .poll(async () =>
        (await sql`select r.server from wfm.sync_events e join wfm.sync_runs r on r.id = e.run_id
                    where e.object_type = 'agent' and e.object_key = ${String(person!.dbid)} and e.action = 'added'`).map((r) => r.server),
      )
      .toEqual(["Branch"]);
    await page.screenshot({ path: test.info().outputPath("sites-assigned.png"), fullPage: true });
  } finally {
    // Leave the product as the other tests expect it: the site back with no server, the second server gone.
    await sql`update wfm.sites set server = null where id = ${site!.id}`;
    await branch.stop();
    await sql.end();
  }
});
