import { expect, type Page } from "@playwright/test";
import { adminPassword, productDatabase } from "./helpers";

/**
 * Every page of the console once signed in, named as its screenshots are (docs/screenshots/<name>-<width>.png),
 * with one site, agent and run of the product's data to show. "/" is not here: it is the Sites page.
 */
export async function consolePages(): Promise<{ name: string; path: string }[]> {
  const sql = await productDatabase();
  try {
    const [site] = await sql`select id from wfm.sites order by id limit 1`;
    const [agent] = await sql`select id from wfm.agents order by id limit 1`;
    const [run] = await sql`select id from wfm.sync_runs order by id limit 1`;
    return [
      { name: "sites", path: "/organization/sites" },
      { name: "site", path: `/organization/sites/${site!.id}` },
      { name: "servers", path: "/servers" },
      { name: "sources", path: "/sources" },
      { name: "sync-history", path: "/sync" },
      { name: "sync-run", path: `/sync/${run!.id}` },
      { name: "validation", path: "/validation" },
      { name: "agents", path: "/agents" },
      { name: "agent-properties", path: `/agents/${agent!.id}` },
      { name: "users", path: "/users" },
      { name: "audit", path: "/audit" },
      { name: "preferences", path: "/preferences" },
    ];
  } finally {
    await sql.end();
  }
}

/** Signs the admin in through the form at any width (signInAsAdmin expects the user shown, which a phone keeps behind Menu). */
export async function signInThroughForm(page: Page) {
  await page.goto("/signin");
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill(adminPassword());
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main", includeHidden: true })).toHaveCount(1);
  // Sign-in lands on "/", which redirects to the Sites page: the shell shows before that second step, and a
  // test that acts meanwhile (opens the phone menu, say) sees the redirect undo it. Wait for the page itself.
  await expect(page).toHaveURL(/\/organization\/sites$/);
  await expect(page.getByRole("heading", { level: 1, name: "Sites" })).toBeVisible();
}
