/**
 * A full-page screenshot of every console page at 1440 and at 390 px, into docs/screenshots/ (issue 15, item
 * 10). Only with WFM_SCREENSHOTS=1, so that an ordinary run leaves the committed images alone:
 *
 *   WFM_SCREENSHOTS=1 npx playwright test e2e/screenshots.spec.ts
 */
import { expect, test, type Page } from "@playwright/test";
import path from "node:path";
import { consolePages, signInThroughForm } from "./console-pages";

test.skip(process.env.WFM_SCREENSHOTS !== "1", "WFM_SCREENSHOTS=1 rewrites docs/screenshots/");

/** The whole page, but a page longer than 4,000 px (a run's log of a thousand lines) is cut there: its top says what it is. */
async function shot(page: Page, name: string) {
  const [width, height] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  await page.screenshot({ path: path.resolve("docs/screenshots", `${name}.png`), fullPage: true, clip: { x: 0, y: 0, width: width!, height: Math.min(height!, 4000) } });
}

// On a phone the navigation is behind the Menu button: one more picture shows it open.
for (const { menu, ...viewport } of [{ width: 1440, height: 900, menu: false }, { width: 390, height: 844, menu: true }]) {
  test(`every page at ${viewport.width} px`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await page.goto("/signin");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await shot(page, `signin-${viewport.width}`);

    await signInThroughForm(page);
    for (const { name, path: pagePath } of await consolePages()) {
      await page.goto(pagePath, { waitUntil: "networkidle" });
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await shot(page, `${name}-${viewport.width}`);
    }

    if (menu) {
      await page.goto("/organization/sites");
      await page.getByRole("button", { name: "Menu" }).click();
      await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
      await shot(page, `menu-${viewport.width}`);
    }
  });
}
