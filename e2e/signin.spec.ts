import { expect, test } from "@playwright/test";
import { adminPassword, signInAsAdmin } from "./helpers";

test("a page asked for without a session redirects to sign-in, and comes back after it", async ({ page }) => {
  await page.goto("/agents");
  await expect(page).toHaveURL(/\/signin\?next=%2Fagents$/);
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill(adminPassword());
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/agents$/);
  await expect(page.getByRole("heading", { name: "Agents", exact: true })).toBeVisible();
});

test("a wrong password is refused with a clear message and no session", async ({ page, context }) => {
  await page.goto("/signin");
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "not correct" })).toHaveText("The user name or password is not correct.");
  expect((await context.cookies()).find((c) => c.name === "wfm_session")).toBeUndefined();
  await page.goto("/organization/sites");
  await expect(page).toHaveURL(/\/signin/);
});

test("an empty form names the missing fields next to them", async ({ page }) => {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#username-error")).toHaveText("Enter your user name.");
  await expect(page.locator("#password-error")).toHaveText("Enter your password.");
  await expect(page.getByLabel("User name")).toHaveAttribute("aria-invalid", "true");
});

test("the admin signs in, sees the shell with the demo sites, and signs out", async ({ page }) => {
  await signInAsAdmin(page);
  await expect(page).toHaveURL(/\/organization\/sites$/);
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Sites", "Servers", "Sync history", "Validation", "Agents", "Users"]) {
    await expect(nav.getByRole("link", { name, exact: true })).toBeVisible();
  }
  await expect(page.getByTestId("signed-in-user")).toHaveText("WFM Administrator");
  // The demo Configuration Database was loaded on first start: its sites are in the database.
  const sites = page.getByRole("table", { name: "Sites" });
  await expect(sites.getByRole("row")).toHaveCount(1 + 4);
  await expect(sites.getByRole("cell", { name: "SW-Boston" })).toBeVisible();

  // The start-up full sync brought the demo's agents into WFM; the Validation page shows its duplicate skill.
  await nav.getByRole("link", { name: "Agents" }).click();
  await expect(page.locator(".stat").filter({ hasText: "Agents in WFM" })).toContainText("1,000");
  await nav.getByRole("link", { name: "Validation" }).click();
  const duplicates = page.getByRole("table", { name: "Duplicate names" });
  await expect(duplicates.getByRole("row", { name: /Skill Billing source main, tenant Acme Support \(dbid 1\); source main, tenant Acme Sales/ })).toBeVisible();

  await nav.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("table", { name: "WFM users" }).getByRole("row", { name: /^admin WFM Administrator/ })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto("/users");
  await expect(page).toHaveURL(/\/signin/);
});

test("the API answers 401 without a session, and works with one from POST /api/v1/session", async ({ request }) => {
  const anonymous = await request.get("/api/v1/servers");
  expect(anonymous.status()).toBe(401);
  expect((await anonymous.json()).error.code).toBe("UNAUTHENTICATED");

  const health = await request.get("/api/v1/health");
  expect(await health.json()).toMatchObject({ status: "ok", database: { reachable: true } });

  const wrong = await request.post("/api/v1/session", { data: { username: "admin", password: "nope" } });
  expect(wrong.status()).toBe(401);
  expect((await wrong.json()).error).toMatchObject({ code: "INVALID_CREDENTIALS", message: "The user name or password is not correct." });

  const bad = await request.post("/api/v1/session", { data: { username: "admin" } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe("BAD_INPUT");

  const signedIn = await request.post("/api/v1/session", { data: { username: "admin", password: adminPassword() } });
  expect(signedIn.status()).toBe(204);
  const me = await request.get("/api/v1/session");
  expect((await me.json()).user).toMatchObject({ username: "admin", role: "admin" });

  expect((await request.delete("/api/v1/session")).status()).toBe(204);
  expect((await request.get("/api/v1/session")).status()).toBe(401);
});
