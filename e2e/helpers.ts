import { expect, type Page } from "@playwright/test";

export const adminPassword = () => process.env.E2E_ADMIN_PASSWORD ?? "e2e-admin-password";

export async function signInAsAdmin(page: Page) {
  await page.goto("/signin");
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill(adminPassword());
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-user")).toBeVisible();
}
