/**
 * Flow 6 (issue 5): every form refuses bad input with a message beside the field, and saves nothing —
 * an empty site name, an unknown server, a malformed date, level 3.
 */
import { expect, test } from "@playwright/test";
import { productDatabase, signInAsAdmin } from "./helpers";

test("forms refuse bad input beside the field and save nothing", async ({ page }) => {
  const sql = await productDatabase();
  try {
    const count = async () => Number((await sql`select count(*)::int as n from wfm.sites`)[0]!.n);
    const sitesBefore = await count();
    await signInAsAdmin(page);

    // New site: empty name (and no time zone).
    await page.goto("/organization/sites");
    const form = page.getByRole("form", { name: "New site" });
    await form.getByRole("button", { name: "Create site" }).click();
    await expect(form.locator("#site-name-error")).toHaveText("Enter the site's name.");
    await expect(form.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
    await expect(form.locator("#site-time-zone-error")).toHaveText("Choose the site's time zone.");

    // An unknown server (a tampered form: the select only offers known ones).
    await form.getByLabel("Name").fill("Nowhere");
    await form.getByLabel("Time zone").selectOption({ index: 1 });
    await form.getByLabel("WFM Server").evaluate((select: HTMLSelectElement) => select.add(new Option("Nobody", "Nobody", true, true)));
    await form.getByRole("button", { name: "Create site" }).click();
    await expect(form.locator("#site-server-error")).toHaveText("There is no WFM Server named 'Nobody'.");
    expect(await count()).toBe(sitesBefore);

    // Level 3 for a server.
    await page.goto("/servers");
    const options = page.getByRole("form", { name: "Options of WFMServer" });
    // The level is a choice of 0, 1 or 2; a tampered form posts 3.
    await options.getByRole("radio", { name: /^2 — everything else/ }).evaluate((radio: HTMLInputElement) => (radio.value = "3"));
    await options.getByRole("button", { name: "Save options" }).click();
    await expect(options.locator("#WFMServer-level-error")).toHaveText("The level is 0, 1 or 2.");
    await expect(options.getByRole("group", { name: "SynchronizationLevel" })).toHaveAttribute("aria-invalid", "true");
    expect((await sql`select sync_level from wfm.servers where name = 'WFMServer'`)[0]!.sync_level).toBe(2);

    // A malformed termination date (a tampered field: the date picker only makes valid ones).
    const [agent] = await sql`select id from wfm.agents where termination_date is null order by id desc limit 1`;
    await page.goto(`/agents/${agent!.id}`);
    const termination = page.getByRole("region", { name: "Termination" });
    await termination.getByLabel("Termination Date", { exact: true }).check();
    const date = termination.getByLabel("Termination date", { exact: true });
    await date.evaluate((input: HTMLInputElement) => (input.type = "text"));
    await date.fill("31/12/2026");
    await termination.getByRole("button", { name: "Save" }).click();
    await expect(termination.locator("#termination-status")).toHaveText("Enter the termination date as a date (YYYY-MM-DD).");
    await expect(date).toHaveAttribute("aria-invalid", "true");
    expect((await sql`select termination_date from wfm.agents where id = ${agent!.id}`)[0]!.termination_date).toBeNull();
    await page.screenshot({ path: test.info().outputPath("bad-date.png"), fullPage: true });
  } finally {
    await sql.end();
  }
});
