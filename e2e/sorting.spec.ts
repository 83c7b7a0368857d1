/**
 * Issue 15, item 9: lists at scale sort by their column headers — Sites, Sync history, Users and Agents (which
 * sorts in the database and shows its total). The sort is in the URL and marked with aria-sort.
 */
import { expect, test, type Locator } from "@playwright/test";
import { productDatabase, signInAsAdmin } from "./helpers";

const column = async (table: Locator, index: number) => (await table.locator("tbody tr").evaluateAll((rows, i) => rows.map((r) => (r as HTMLTableRowElement).cells[i]!.textContent!.trim()), index)) as string[];
const numbers = (texts: string[]) => texts.map((t) => Number(t.replace(/,/g, "")));
const descending = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! >= x);
const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! <= x);

test("Sites sort by agents and by name, either way, from the headers", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto("/organization/sites");
  const table = page.getByRole("table", { name: "Sites" });
  const headers = await table.locator("thead th").allTextContents();
  const agentsAt = headers.findIndex((h) => h.startsWith("Agents"));
  const nameAt = headers.findIndex((h) => h.startsWith("Site"));
  await expect(table.getByRole("columnheader", { name: /^Site/ })).toHaveAttribute("aria-sort", "ascending");

  await table.getByRole("link", { name: "Agents", exact: true }).click();
  await expect(page).toHaveURL(/sort=agents&dir=desc/);
  await expect(table.getByRole("columnheader", { name: /^Agents/ })).toHaveAttribute("aria-sort", "descending");
  expect(descending(numbers(await column(table, agentsAt)))).toBe(true);
  await table.getByRole("link", { name: "Agents", exact: true }).click();
  await expect(table.getByRole("columnheader", { name: /^Agents/ })).toHaveAttribute("aria-sort", "ascending");
  expect(ascending(numbers(await column(table, agentsAt)))).toBe(true);

  await table.getByRole("link", { name: "Site", exact: true }).click();
  await expect(page).toHaveURL(/\/organization\/sites$/);
  const names = await column(table, nameAt);
  expect(names).toEqual([...names].sort(new Intl.Collator("en", { numeric: true, sensitivity: "base" }).compare));
});

test("Sync history sorts by changes and duration; Users by role", async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto("/sync");
  const runs = page.getByRole("table", { name: "Sync runs" });
  const headers = await runs.locator("thead th").allTextContents();
  await runs.getByRole("link", { name: "Added", exact: true }).click();
  await expect(page).toHaveURL(/sort=added&dir=desc/);
  await expect(runs.getByRole("columnheader", { name: /^Added/ })).toHaveAttribute("aria-sort", "descending");
  expect(descending(numbers(await column(runs, headers.findIndex((h) => h.startsWith("Added")))))).toBe(true);
  // The filters keep the sort.
  await page.getByRole("form", { name: "Run filters" }).getByLabel("Kind").selectOption("full");
  await page.getByRole("form", { name: "Run filters" }).getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/kind=full.*sort=added&dir=desc/);

  await page.goto("/users");
  const users = page.getByRole("table", { name: "WFM users" });
  await users.getByRole("link", { name: "Role", exact: true }).click();
  await expect(users.getByRole("columnheader", { name: /^Role/ })).toHaveAttribute("aria-sort", "ascending");
  await expect(page).toHaveURL(/sort=role&dir=asc/);
});

test("Agents shows how many match its filters and sorts by name and username, paging through the sort", async ({ page }) => {
  await signInAsAdmin(page);
  // Other tests add agents: the total is what the product's database holds now.
  const sql = await productDatabase();
  const [{ n }] = (await sql`select count(*)::int as n from wfm.agents`) as unknown as [{ n: number }];
  await sql.end();
  const all = `${n.toLocaleString("en")} agents match.`;
  await page.goto("/agents");
  const total = page.getByRole("status").filter({ hasText: "match" });
  await expect(total).toHaveText(all);
  const table = page.getByRole("table", { name: "Agents" });
  await table.getByRole("link", { name: "Name", exact: true }).click();
  await expect(page).toHaveURL(/sort=name&dir=asc/);
  await expect(table.getByRole("columnheader", { name: /^Name/ })).toHaveAttribute("aria-sort", "ascending");
  await expect(total).toHaveText(all);
  const names = await column(table, 0);
  const last = (name: string) => name.split(" ").slice(1).join(" ").toLowerCase();
  expect(names.map(last)).toEqual([...names.map(last)].sort());
  await page.getByRole("link", { name: "Next →" }).click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(page.getByRole("link", { name: "← Previous" })).toBeVisible();
  const nextNames = await column(table, 0);
  expect(last(nextNames[0]!) >= last(names.at(-1)!)).toBe(true);
  await page.getByRole("link", { name: "← Previous" }).click();
  await expect(page).toHaveURL(/before=/);
  await expect.poll(() => column(table, 0)).toEqual(names);

  await table.getByRole("link", { name: "Username", exact: true }).click();
  await expect(table.getByRole("columnheader", { name: /^Username/ })).toHaveAttribute("aria-sort", "ascending");
  await table.getByRole("link", { name: "Username", exact: true }).click();
  await expect(table.getByRole("columnheader", { name: /^Username/ })).toHaveAttribute("aria-sort", "descending");
  const usernames = await column(table, 1);
  expect(usernames).toEqual([...usernames].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? 1 : -1)));

  // A search keeps the sort and narrows the total.
  const search = page.getByRole("search");
  await search.getByLabel("Search").fill(usernames[0]!);
  await search.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/sort=username&dir=desc/);
  await expect(total).toHaveText(/^\d+ agents? match(es)?\.$/);
});
