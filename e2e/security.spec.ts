/**
 * The red team's attacks on sign-in, in a real browser and over HTTP against the product as `npm start` runs
 * it: an open redirect after sign-in, login CSRF, cross-site server-action posts, and locking a user out.
 */
import { expect, test } from "@playwright/test";
import { adminPassword, signInAsAdmin } from "./helpers";

test("a 'next' that would leave the console after sign-in lands on the console instead", async ({ page, baseURL }) => {
  // Chromium drops the tab and would follow "//evil.example/pwned".
  await page.goto("/signin?next=%2F%09%2Fevil.example%2Fpwned");
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill(adminPassword());
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-user")).toBeVisible();
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  expect(page.url()).not.toContain("evil.example");
});

test("a cross-site sign-in post (login CSRF) is refused and sets no cookie", async ({ request }) => {
  const forged = await request.post("/api/v1/session", {
    headers: { "Content-Type": "text/plain", Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" },
    data: JSON.stringify({ username: "admin", password: adminPassword() }),
  });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).error.code).toBe("FORBIDDEN");
  expect(forged.headers()["set-cookie"]).toBeUndefined();

  // Without an Origin, the browser still says it is cross-site.
  const noOrigin = await request.post("/api/v1/session", {
    headers: { "Sec-Fetch-Site": "cross-site" },
    data: { username: "admin", password: adminPassword() },
  });
  expect(noOrigin.status()).toBe(403);
  expect(noOrigin.headers()["set-cookie"]).toBeUndefined();
});

test("a server action posted cross-site without an Origin is refused before it runs", async ({ page }) => {
  await signInAsAdmin(page);
  const response = await page.request.post("/servers", {
    headers: { "Next-Action": "0".repeat(42), "Sec-Fetch-Site": "cross-site", Accept: "text/x-component" },
    multipart: { "1_server": "WFMServer" },
  });
  expect(response.status()).toBe(403);
  expect(await response.json()).toMatchObject({ error: { code: "FORBIDDEN", message: "Cross-site writes are refused." } });
});

test("guessing at a user name delays only the guesser's address, over the page and REST alike", async ({ page, request }) => {
  const victim = "e2e.throttled";
  // Three guesses through the page and two through REST count as five against (victim, this address).
  for (let i = 0; i < 3; i++) {
    await page.goto("/signin");
    await page.getByLabel("User name").fill(victim);
    await page.getByLabel("Password").fill(`guess-${i}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "not correct" })).toBeVisible();
  }
  for (let i = 3; i < 5; i++) {
    expect((await request.post("/api/v1/session", { data: { username: victim, password: `guess-${i}` } })).status()).toBe(401);
  }
  const refused = await request.post("/api/v1/session", { data: { username: victim, password: "guess-5" } });
  expect(refused.status()).toBe(429);
  // The first wait is 30 s, counted from the fifth failure.
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
  expect(Number(refused.headers()["retry-after"])).toBeLessThanOrEqual(30);
  // A forged X-Forwarded-For is the client's own claim: it does not make a new address.
  const forged = await request.post("/api/v1/session", { headers: { "X-Forwarded-For": "198.51.100.23" }, data: { username: victim, password: "guess-6" } });
  expect(forged.status()).toBe(429);

  await page.goto("/signin");
  await page.getByLabel("User name").fill(victim);
  await page.getByLabel("Password").fill("guess-7");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Too many" })).toHaveText(
    /^Too many failed sign-ins for this user name from this address\. Try again in \d+ seconds?\.$/,
  );
  // Another user from the same address is not held up by it.
  const admin = await request.post("/api/v1/session", { data: { username: "admin", password: adminPassword() } });
  expect(admin.status()).toBe(204);
});
