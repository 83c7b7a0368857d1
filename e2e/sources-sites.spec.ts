/**
 * Sites with a second configuration source (SPEC §2.9): the site form's switch picker groups switches by
 * source, and a site whose switch is in that source cannot be assigned to a server of main — refused in the
 * browser with a message naming both — while the REST twin says the same with a 409.
 */
import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "./helpers";

test("the switch picker groups a second source's switches, and a server of main is refused for its site", async ({ page }) => {
  await signInAsAdmin(page);
  const stamp = Date.now();
  const source = `e2e_${stamp}`;
  const created = await page.request.post("/api/v1/sources", { data: { name: source, kind: "local" } });
  expect(created.status()).toBe(201);
  const tenant = await (await page.request.post(`/api/v1/config/tenants?source=${source}`, { data: { name: `Tenant ${stamp}` } })).json();
  const switchName = `SW-${source}`;
  const sw = await page.request.post(`/api/v1/config/switches?source=${source}`, { data: { tenantDbid: tenant.dbid, name: switchName } });
  expect(sw.status()).toBe(201);
  const switchDbid = (await sw.json()).dbid as number;
  const zones = (await (await page.request.get("/api/v1/time-zones")).json()).items as { name: string }[];
  // A free switch of main too (the demo's are all taken by its sites), to see both groups.
  const mainTenant = (await (await page.request.get("/api/v1/config/tenants")).json()).items[0].dbid as number;
  const mainSwitch = await (await page.request.post("/api/v1/config/switches", { data: { tenantDbid: mainTenant, name: `SW-main-${stamp}` } })).json();

  await page.goto("/organization/sites");
  const form = page.getByRole("form", { name: "New site" });
  const picker = form.getByLabel("Switch");
  // Grouped: the new source's switch sits under its source's label, main's switches under main.
  await expect(picker.locator(`optgroup[label="${source}"] > option`)).toHaveText([switchName]);
  await expect(picker.locator('optgroup[label="main"] > option', { hasText: `SW-main-${stamp}` })).toHaveCount(1);
  await expect(picker.locator("optgroup").first()).toHaveAttribute("label", "main"); // main first, then the others

  const siteName = `Paris ${stamp}`;
  await form.getByLabel("Name").fill(siteName);
  await form.getByLabel("Time zone").selectOption(zones[0]!.name);
  await picker.selectOption({ label: switchName });
  await expect(picker).toHaveValue(`${source}:${switchDbid}`);
  await form.getByLabel("WFM Server").selectOption("WFMServer");
  await form.getByRole("button", { name: "Create site" }).click();
  const message = `Site ${siteName}'s switch is in source ${source}; server WFMServer syncs main.`;
  await expect(form.getByText(message)).toBeVisible();
  await expect(form.getByLabel("WFM Server")).toHaveAttribute("aria-invalid", "true");
  expect((await (await page.request.get("/api/v1/sites")).json()).items.map((s: { name: string }) => s.name)).not.toContain(siteName);

  // Without a server it is created, its switch said with its source; assigning WFMServer inline is refused too.
  await form.getByLabel("WFM Server").selectOption("");
  await form.getByRole("button", { name: "Create site" }).click();
  await expect(form.getByRole("status")).toHaveText(`Site ${siteName} created.`);
  const row = page.getByRole("table", { name: "Sites" }).getByRole("row").filter({ has: page.getByRole("link", { name: siteName, exact: true }) });
  await expect(row).toContainText(`${switchName} (${source})`);
  await row.getByLabel(`WFM Server of ${siteName}`).selectOption("WFMServer");
  await expect(row.getByTestId("assignment-caution")).toHaveText(`If saved: the site's switch is in source ${source}, but WFMServer syncs main: nothing here is synchronized.`);
  await row.getByRole("button", { name: "Save" }).click();
  await expect(row.getByText(message)).toBeVisible();

  const site = (await (await page.request.get("/api/v1/sites")).json()).items.find((s: { name: string }) => s.name === siteName);
  expect(site).toMatchObject({ switchSource: source, switchDbid, switchName, server: null });
  const refused = await page.request.patch(`/api/v1/sites/${site.id}`, { data: { server: "WFMServer" } });
  expect(refused.status()).toBe(409);
  expect((await refused.json()).error.message).toBe(message);

  // Leave nothing behind that names the source, so it can go.
  expect((await page.request.delete(`/api/v1/sites/${site.id}`)).status()).toBe(204);
  expect((await page.request.delete(`/api/v1/sources/${source}`)).status()).toBe(204);
  expect((await page.request.delete(`/api/v1/config/switches/${mainSwitch.dbid}`)).status()).toBe(204);
});
