/**
 * Issue 15, item 7: times and dates mean one thing. Every time names its zone, in ISO form; a user pins the
 * zone they want on Preferences (and over REST), it follows them, and Agent Properties shows the agent's site
 * time zone.
 */
import { expect, test } from "@playwright/test";
import { expectError, productDatabase, signInAsAdmin } from "./helpers";

// The browser's own zone, unlike the machine's and the pinned one: an unpinned console must show times in it.
test.use({ timezoneId: "Asia/Kolkata" });

test("a user pins a time zone: every time shows in it, named; Agent Properties shows the site's zone", async ({ page }) => {
  await signInAsAdmin(page);
  try {
    await page.goto("/preferences");
    const form = page.getByRole("form", { name: "Preferences" });
    await form.getByLabel("Show times in").selectOption("America/New_York");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(form.getByText("Times are shown in America/New_York.")).toBeVisible();

    await page.goto("/sync");
    const started = page.getByRole("table", { name: "Sync runs" }).locator("tbody tr").first().locator("time");
    await expect(started).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} E[SD]T$/);
    await expect(started).toHaveAttribute("title", "America/New_York");

    const sql = await productDatabase();
    const [agent] = await sql`select a.id, s.time_zone, z.iana_name from wfm.agents a join wfm.sites s on s.id = a.site_id
                                join wfm.time_zones z on z.name = s.time_zone order by a.id limit 1`;
    await sql.end();
    await page.goto(`/agents/${agent!.id}`);
    const zone = page.getByRole("definition").filter({ hasText: `${agent!.time_zone} (${agent!.iana_name})` });
    await expect(zone).toBeVisible();
    await expect(zone).toContainText(/now \d{4}-\d{2}-\d{2} \d{2}:\d{2} \S+$/);
  } finally {
    await page.goto("/preferences");
    const form = page.getByRole("form", { name: "Preferences" });
    await form.getByLabel("Show times in").selectOption("");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(form.getByText("Times are shown in your browser's time zone.")).toBeVisible();
  }
  // Unpinned, the browser's zone is used and named.
  await page.goto("/sync");
  const time = page.getByRole("table", { name: "Sync runs" }).locator("tbody tr").first().locator("time");
  await expect(time).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} GMT\+5:30$/);
  await expect(time).toHaveAttribute("title", /^Asia\/(Kolkata|Calcutta)$/); // Chromium still says Calcutta
});

test("PATCH /api/v1/session sets the caller's zone, refuses one that does not exist, and null clears it", async ({ page }) => {
  await signInAsAdmin(page);
  const set = await page.request.patch("/api/v1/session", { data: { timeZone: "europe/berlin" } });
  expect(set.status()).toBe(200);
  expect((await set.json()).user).toMatchObject({ username: "admin", timeZone: "Europe/Berlin" });
  expect((await (await page.request.get("/api/v1/session")).json()).user.timeZone).toBe("Europe/Berlin");
  const refused = await expectError(await page.request.patch("/api/v1/session", { data: { timeZone: "Mars/Olympus_Mons" } }), 400, "BAD_INPUT", ["timeZone"]);
  expect(refused.details![0]!.message).toBe("timeZone is an IANA time zone name, such as Europe/Berlin, or null for the browser's");
  await expectError(await page.request.patch("/api/v1/session", { data: { theme: "dark" } }), 400, "BAD_INPUT");
  const cleared = await page.request.patch("/api/v1/session", { data: { timeZone: null } });
  expect((await cleared.json()).user.timeZone).toBeNull();
});
