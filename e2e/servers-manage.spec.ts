/**
 * Servers are managed in the console (issue 15, item 1): a new server is registered with its options and the
 * command line that starts it; a server that is not running can be deleted (asking twice), a running one
 * cannot, and the page says why. SynchronizationLevel is a 0/1/2 choice with what each level does.
 */
import { expect, test } from "@playwright/test";
import { productDatabase, signInAsAdmin } from "./helpers";

test("an admin registers a new server, sees how to start it, and deletes it; a running server is refused", async ({ page }) => {
  const sql = await productDatabase();
  try {
    await signInAsAdmin(page);
    await page.goto("/servers");
    const form = page.getByRole("form", { name: "New server" });
    await expect(form.getByRole("radio", { name: /^1 — assigned sites only agents of the sites assigned to this server/ })).toBeChecked();

    // A name with a space is refused beside the field, and what was typed stays.
    await form.getByLabel("Name").fill("Night shift");
    await form.getByRole("button", { name: "Create server" }).click();
    await expect(form.locator("#new-server-name-error")).toHaveText(/letters, digits/);
    await expect(form.getByLabel("Name")).toHaveValue("Night shift");
    expect(await sql`select 1 from wfm.servers where name = 'Night shift'`).toHaveLength(0);

    await form.getByLabel("Name").fill("NightShift");
    await form.getByRole("radio", { name: /^2 — everything else/ }).check();
    await form.getByLabel("SynchronizationTimeout (minutes, 0 = start-up only)").fill("1440");
    await form.getByRole("button", { name: "Create server" }).click();
    await expect(form.getByRole("status")).toHaveText("NightShift registered. It synchronizes nothing until its process runs.");
    await expect(form.getByTestId("start-command")).toHaveText("npm run wfm-server -- --name NightShift");
    const [row] = await sql`select sync_level, sync_timeout_min from wfm.servers where name = 'NightShift'`;
    expect(row).toMatchObject({ sync_level: 2, sync_timeout_min: 1440 });
    const table = page.getByRole("table", { name: "WFM Servers" });
    await expect(table.getByRole("row", { name: /^NightShift/ })).toBeVisible();
    // Two level-2 servers now: the page warns.
    await expect(page.getByText(/More than one WFM Server is at level 2 \(NightShift, WFMServer\)/)).toBeVisible();

    // The running WFMServer cannot be deleted, and the page says so before anyone tries.
    const running = page.getByRole("form", { name: "Delete WFMServer" });
    await expect(running).toContainText("WFMServer is running: stop its processes before deleting it.");
    await running.getByRole("button", { name: "Delete server…" }).click();
    await running.getByRole("button", { name: "Delete WFMServer" }).click();
    await expect(running.getByRole("status")).toHaveText("WFMServer is running: stop its processes before removing it.");
    expect(await sql`select 1 from wfm.servers where name = 'WFMServer'`).toHaveLength(1);

    // NightShift is not running: deleting it asks twice, then it is gone with a message.
    const remove = page.getByRole("form", { name: "Delete NightShift" });
    await remove.getByRole("button", { name: "Delete server…" }).click();
    await remove.getByRole("button", { name: "Keep it" }).click();
    await remove.getByRole("button", { name: "Delete server…" }).click();
    await remove.getByRole("button", { name: "Delete NightShift" }).click();
    await expect(page.getByRole("status").filter({ hasText: "NightShift deleted." })).toBeVisible();
    await expect(table.getByRole("row", { name: /^NightShift/ })).toHaveCount(0);
    expect(await sql`select 1 from wfm.servers where name = 'NightShift'`).toHaveLength(0);
  } finally {
    await sql`delete from wfm.servers where name = 'NightShift'`;
    await sql.end();
  }
});
