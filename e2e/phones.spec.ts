/**
 * Phones (issue 15, item 10): at 390 px no page scrolls sideways, the navigation collapses behind a Menu
 * button, and every write action is within reach — here, a site's server assignment and an agent's termination.
 */
import { expect, test, type Page } from "@playwright/test";
import { consolePages, signInThroughForm } from "./console-pages";
import { inTabs, productDatabase } from "./helpers";

test.use({ viewport: { width: 390, height: 844 } });

/**
 * Asserts the page does not scroll sideways; a failure names the outermost elements that stick out past the
 * window (not those a scrolling table frame clips), which is where to look.
 */
async function expectNoSidewaysScroll(page: Page, what: string) {
  const { scrollWidth, innerWidth, sticksOut } = await page.evaluate(() => {
    const width = window.innerWidth;
    // An absolutely positioned element escapes a scrolling frame that is not positioned: it counts either way.
    const clipped = (element: Element) => {
      if (["absolute", "fixed"].includes(getComputedStyle(element).position)) return false;
      for (let up = element.parentElement; up; up = up.parentElement) if (getComputedStyle(up).overflowX !== "visible") return true;
      return false;
    };
    const outside = [...document.body.querySelectorAll("*")].filter((e) => e.getBoundingClientRect().right > width && !clipped(e));
    const outermost = outside.filter((e) => !e.parentElement || !outside.includes(e.parentElement));
    const describe = (e: Element) =>
      `<${e.localName}${e.className && typeof e.className === "string" ? ` class="${e.className}"` : ""}> ${Math.round(e.getBoundingClientRect().right)} px "${(e.textContent ?? "").trim().slice(0, 40)}"`;
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, sticksOut: outermost.map(describe) };
  });
  expect.soft(scrollWidth, `${what} scrolls sideways; sticking out: ${sticksOut.join("; ")}`).toBeLessThanOrEqual(innerWidth);
}

test("no page scrolls sideways at 390 px", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expectNoSidewaysScroll(page, "/signin");

  await signInThroughForm(page);
  // Tabs opened now share the page's context: its viewport and its session.
  await inTabs(page, ["/", ...(await consolePages()).map((p) => p.path)], async (tab, path) => {
    await expect(tab.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoSidewaysScroll(tab, path);
  });
});

test("a wide table scrolls inside its own named frame, by keyboard too", async ({ page }) => {
  await signInThroughForm(page);
  await page.goto("/organization/sites");
  const frame = page.getByRole("region", { name: "Sites", exact: true });
  await expect(frame.getByRole("table", { name: "Sites" })).toBeVisible();
  expect(await frame.evaluate((e) => e.scrollWidth > e.clientWidth), "the Sites table is wider than a phone").toBe(true);
  await frame.focus();
  await page.keyboard.press("ArrowRight");
  await expect.poll(() => frame.evaluate((e) => e.scrollLeft)).toBeGreaterThan(0);
  await expectNoSidewaysScroll(page, "/organization/sites scrolled inside its table");
});

test("the navigation is behind the Menu button: it opens by keyboard or tap, navigates, closes on Escape, and holds the user and Sign out", async ({ page }) => {
  await signInThroughForm(page);
  const menu = page.getByRole("button", { name: "Menu" });
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(page.locator(`#${await menu.getAttribute("aria-controls")}`).getByRole("navigation", { name: "Main", includeHidden: true })).toHaveCount(1);
  await expect(nav).toBeHidden();
  await expect(page.getByTestId("signed-in-user")).toBeHidden();

  // By keyboard: Enter opens it, Tab goes on into its links, Escape closes it and gives focus back to the button.
  await menu.focus();
  await page.keyboard.press("Enter");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(nav).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(nav.getByRole("link", { name: "Sites" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeFocused();

  // A tap opens it; following a link closes it on the new page.
  await menu.click();
  await nav.getByRole("link", { name: "Servers" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Servers" })).toBeVisible();
  await expect(page).toHaveURL(/\/servers$/);
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav).toBeHidden();

  // By keyboard again, to another page.
  await menu.focus();
  await page.keyboard.press("Enter");
  await nav.getByRole("link", { name: "Sync history" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Sync history" })).toBeVisible();
  await expect(nav).toBeHidden();

  // On a wide screen the sidebar is the menu: no button, the links shown.
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(menu).toBeHidden();
  await expect(nav).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });

  // Who is signed in, and Sign out, are in the menu.
  await menu.click();
  await expect(page.getByTestId("signed-in-user")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
});

test("at 390 px an administrator assigns a site's WFM Server from the Sites table, then clears it again", async ({ page }) => {
  const sql = await productDatabase();
  const [site] = await sql`select id, name from wfm.sites where server is null order by id limit 1`;
  try {
    await signInThroughForm(page);
    await page.goto("/organization/sites");
    const row = page.getByRole("table", { name: "Sites" }).getByRole("row").filter({ has: page.getByRole("link", { name: site!.name, exact: true }) });
    const server = row.getByLabel(`WFM Server of ${site!.name}`);

    await server.selectOption("WFMServer");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(row.getByRole("status")).toHaveText(`${site!.name} is now synchronized by WFMServer.`);
    expect((await sql`select server from wfm.sites where id = ${site!.id}`)[0]!.server).toBe("WFMServer");
    await expectNoSidewaysScroll(page, "/organization/sites after saving");

    await server.selectOption("");
    await row.getByRole("button", { name: "Save" }).click();
    await expect(row.getByRole("status")).toHaveText(`${site!.name} is no longer assigned to a server.`);
    expect((await sql`select server from wfm.sites where id = ${site!.id}`)[0]!.server).toBeNull();
  } finally {
    await sql`update wfm.sites set server = null where id = ${site!.id}`;
    await sql.end();
  }
});

test("at 390 px an administrator terminates an agent on Agent Properties, reinstates it and syncs it now", async ({ page }) => {
  const sql = await productDatabase();
  // Synchronized by the running WFMServer, so Sync now can bring it back to where it was.
  const [agent] = await sql`
    select a.id from wfm.agents a join wfm.sites s on s.id = a.site_id
     where a.termination_date is null and not a.awaiting_full_sync and s.server is null order by a.id desc limit 1`;
  try {
    await signInThroughForm(page);
    await page.goto(`/agents/${agent!.id}`);
    const termination = page.getByRole("region", { name: "Termination" });
    await termination.getByLabel("Termination Date", { exact: true }).check();
    await termination.getByLabel("Termination date", { exact: true }).fill("2026-12-31");
    await termination.getByRole("button", { name: "Save" }).click();
    await expect(termination.getByRole("status").first()).toHaveText(/^Terminated as of 2026-12-31\./);
    expect((await sql`select termination_date::text from wfm.agents where id = ${agent!.id}`)[0]!.termination_date).toBe("2026-12-31");
    await expectNoSidewaysScroll(page, `/agents/${agent!.id} terminated`);

    await termination.getByLabel("Termination Date", { exact: true }).uncheck();
    await termination.getByRole("button", { name: "Save" }).click();
    await expect(termination.getByRole("status").first()).toHaveText(/^Reinstated\./);
    await termination.getByRole("button", { name: "Sync now" }).click();
    await expect(termination.getByRole("status").last()).toHaveText(/^Synchronized now \(run \d+\)\.$/);
    await page.reload();
    await expect(page.getByTestId("agent-status")).toHaveText("Active");
    await expectNoSidewaysScroll(page, `/agents/${agent!.id} reinstated`);
  } finally {
    await sql.end();
  }
});
