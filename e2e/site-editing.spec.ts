/**
 * Organization > Sites beyond one inline assignment (SPEC §5): several sites selected and assigned at once,
 * a site edited and deleted, and an agent moved to another site from Agent Properties.
 */
import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "./helpers";

test("select several sites and assign them at once; edit a site; delete it", async ({ page }) => {
  await signInAsAdmin(page);
  const stamp = Date.now();
  const zones = (await (await page.request.get("/api/v1/time-zones")).json()).items as { name: string }[];
  const names = [`North ${stamp}`, `South ${stamp}`];
  const ids: number[] = [];
  for (const name of names) {
    const created = await page.request.post("/api/v1/sites", { data: { name, timeZone: zones[0]!.name } });
    expect(created.status()).toBe(201);
    ids.push((await created.json()).id);
  }

  await page.goto("/organization/sites");
  const table = page.getByRole("table", { name: "Sites" });
  for (const name of names) await table.getByRole("checkbox", { name: `Select ${name}` }).check();
  const bulk = page.getByRole("form", { name: "Assign selected sites" });
  await expect(bulk).toContainText("2 selected");
  await bulk.getByLabel("Assign selected to").selectOption("WFMServer");
  await bulk.getByRole("button", { name: "Assign" }).click();
  await expect(bulk.getByRole("status")).toHaveText("2 sites now synchronized by WFMServer.");
  for (const name of names) await expect(table.getByLabel(`WFM Server of ${name}`)).toHaveValue("WFMServer");
  for (const id of ids) expect((await (await page.request.get(`/api/v1/sites/${id}`)).json()).server).toBe("WFMServer");

  // Edit the first: a bad name is refused by the field and nothing changes; a good one is saved.
  await table.getByRole("link", { name: names[0] }).click();
  const edit = page.getByRole("form", { name: "Edit site" });
  await edit.getByLabel("Name").fill(names[1]!);
  await edit.getByRole("button", { name: "Save site" }).click();
  await expect(edit.getByText(`A site named ${names[1]} exists already.`)).toBeVisible();
  await expect(edit.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  expect((await (await page.request.get(`/api/v1/sites/${ids[0]}`)).json()).name).toBe(names[0]);
  const renamed = `East ${stamp}`;
  await edit.getByLabel("Name").fill(renamed);
  await edit.getByLabel("WFM Server").selectOption("");
  await edit.getByRole("button", { name: "Save site" }).click();
  await expect(edit.getByRole("status")).toHaveText("Site saved.");
  expect(await (await page.request.get(`/api/v1/sites/${ids[0]}`)).json()).toMatchObject({ name: renamed, server: null });

  await page.getByRole("button", { name: "Delete site…" }).click();
  await page.getByRole("button", { name: `Delete ${renamed}` }).click();
  await expect(page).toHaveURL(/\/organization\/sites$/);
  await expect(table.getByRole("link", { name: renamed })).toHaveCount(0);
  expect((await page.request.get(`/api/v1/sites/${ids[0]}`)).status()).toBe(404);
  await expect(table.getByRole("link", { name: names[1] })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("sites-bulk-edit.png"), fullPage: true });
  expect((await page.request.delete(`/api/v1/sites/${ids[1]}`)).status()).toBe(204);
});

test("move an agent to another site from Agent Properties; sync leaves it there", async ({ page }) => {
  await signInAsAdmin(page);
  const zones = (await (await page.request.get("/api/v1/time-zones")).json()).items as { name: string }[];
  const target = `Overflow ${Date.now()}`;
  const created = await page.request.post("/api/v1/sites", { data: { name: target, timeZone: zones[0]!.name, server: "WFMServer" } });
  const siteId = (await created.json()).id as number;
  const [agent] = (await (await page.request.get("/api/v1/agents?terminated=false&limit=1")).json()).items as { id: number; site: { id: number; name: string } | null }[];

  await page.goto(`/agents/${agent!.id}`);
  await page.getByLabel("Move to site").selectOption({ label: target });
  await page.getByRole("button", { name: "Move" }).click();
  await expect(page.locator("#move-status")).toHaveText(`Moved to ${target}. Sync keeps it there.`);
  expect((await (await page.request.get(`/api/v1/agents/${agent!.id}`)).json()).site).toEqual({ id: siteId, name: target });

  // A full sync does not move it back (SPEC §2.2: the site is WFM's after import).
  const newestFull = async () => ((await (await page.request.get("/api/v1/sync/runs?server=WFMServer&kind=full&limit=1")).json()).items as { id: number; status: string }[])[0];
  const before = (await newestFull())?.id ?? 0;
  expect((await page.request.post("/api/v1/servers/WFMServer/full-sync")).status()).toBe(202);
  await expect.poll(async () => {
    const run = await newestFull();
    return run && run.id > before && run.status !== "running";
  }).toBe(true);
  expect((await (await page.request.get(`/api/v1/agents/${agent!.id}`)).json()).site).toEqual({ id: siteId, name: target });
  await page.reload();
  await expect(page.getByLabel("Move to site")).toHaveValue(String(siteId));
  await page.screenshot({ path: test.info().outputPath("agent-moved.png"), fullPage: true });

  // Put it back where it was, over REST, and remove the site.
  const back = await page.request.patch(`/api/v1/agents/${agent!.id}`, { data: { siteId: agent!.site?.id ?? null } });
  expect(await back.json()).toMatchObject({ site: agent!.site });
  expect((await page.request.delete(`/api/v1/sites/${siteId}`)).status()).toBe(204);
});
