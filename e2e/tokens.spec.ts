/**
 * API bearer tokens (SPEC §6): an admin creates one in the console; it works without a session, with its
 * user's role, and stops working when revoked.
 */
import { expect, test } from "@playwright/test";
import { signInAsAdmin } from "./helpers";

test("an admin creates a bearer token in the console; it authenticates the API until it is revoked", async ({ page, playwright, baseURL }) => {
  await signInAsAdmin(page);
  await page.goto("/users");
  const form = page.getByRole("form", { name: "New API token" });
  await form.getByLabel("Name").fill("e2e integration");
  await form.getByLabel("Acts as").selectOption({ label: "admin (admin)" });
  await form.getByRole("button", { name: "Create token" }).click();
  const token = (await form.getByTestId("new-token").textContent())!;
  expect(token).toMatch(/^wfm_[A-Za-z0-9_-]{40,}$/);

  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  expect((await api.get("/api/v1/servers")).status()).toBe(200);
  // A bearer caller is not a browser carrying a cookie: the same-origin rule for cookie writes does not apply.
  const started = await api.post("/api/v1/servers/WFMServer/full-sync", { headers: { origin: "https://integration.example" } });
  expect(started.status()).toBe(202);
  const forged = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: "Bearer wfm_not-a-real-token" } });
  expect((await forged.get("/api/v1/servers")).status()).toBe(401);

  await page.reload();
  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row", { name: /^e2e integration admin/ });
  await expect(row.getByRole("cell", { name: "never" })).toHaveCount(0); // it was used just now
  await row.getByRole("button", { name: "Revoke token e2e integration" }).click();
  await row.getByRole("button", { name: "Revoke token e2e integration now" }).click();
  await expect(row).toHaveCount(0); // gone from the list
  expect((await api.get("/api/v1/servers")).status()).toBe(401);
});
