/**
 * Issue 15, item 3: the sync log is searchable, linked and exportable. An administrator finds one agent's
 * lines in the start-up run by username, follows the line to the agent, downloads the lines as CSV, narrows
 * by date, and finds the agent's runs in Sync history; the REST twin takes the same filters.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { expectError, productDatabase, signInAsAdmin } from "./helpers";

type Event = { objectKey: string; objectName: string | null; agentId: number | null; message: string };

test("a run's log searched by agent, linked to the agent, downloaded as CSV, and narrowed by date; Sync history by agent", async ({ page }) => {
  await signInAsAdmin(page);
  const runs = (await (await page.request.get("/api/v1/sync/runs?kind=full&limit=500")).json()) as { items: { id: number; trigger: string }[] };
  const startup = runs.items.filter((r) => r.trigger === "startup").at(-1)!;
  // An agent whose username is in no other agent's name, username or employee id: a search for it finds it alone.
  const sql = await productDatabase();
  const [alone] = await sql`
    select a.cfg_dbid from wfm.agents a
     where not exists (select 1 from wfm.agents b where b.id <> a.id
                          and strpos(lower(b.first_name || ' ' || b.last_name || ' ' || b.username || ' ' || coalesce(b.employee_id, '')), lower(a.username)) > 0)
     order by a.id limit 1`;
  await sql.end();
  const [added] = ((await (await page.request.get(`/api/v1/sync/runs/${startup.id}/events?action=added&objectType=agent&q=${alone!.cfg_dbid}`)).json()) as { items: Event[] }).items.filter(
    (e) => e.objectKey === String(alone!.cfg_dbid),
  );
  const username = /\(([^)]+)\)$/.exec(added!.objectName!)![1]!;

  // Search the run's log for the agent's username.
  await page.goto(`/sync/${startup.id}`);
  const filters = page.getByRole("form", { name: "Log filters" });
  await filters.getByLabel("Search").fill(username);
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`q=${username}`));
  const log = page.getByRole("table", { name: "Run log" });
  const rows = log.getByRole("row");
  await expect(rows.first()).toBeVisible();
  const lines = (await rows.count()) - 1; // the header
  expect(lines).toBeGreaterThan(0);
  for (let i = 1; i <= lines; i++) await expect(rows.nth(i).getByRole("link", { name: added!.objectName! })).toBeVisible();

  // The download holds the same lines.
  const downloading = page.waitForEvent("download");
  await filters.getByRole("link", { name: "Download CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`sync-run-${startup.id}-log.csv`);
  const csv = readFileSync((await download.path())!, "utf8").split("\r\n").filter(Boolean);
  expect(csv[0]).toBe("id,runId,at,objectType,objectKey,objectName,action,message");
  expect(csv).toHaveLength(lines + 1);
  for (const line of csv.slice(1)) expect(line).toContain(`,${added!.objectKey},${added!.objectName},`);

  // The agent's line leads to the agent.
  await log.getByRole("link", { name: added!.objectName! }).first().click();
  await expect(page).toHaveURL(new RegExp(`/agents/${added!.agentId}$`));

  // Tomorrow, in the viewer's zone, holds nothing of this run.
  await page.goto(`/sync/${startup.id}`);
  const tomorrow = new Date(Date.now() + 86_400_000);
  const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}`;
  await filters.getByLabel("From").fill(day);
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}T/);
  await expect(page.getByText("No log lines match these filters.")).toBeVisible();
  await expect(filters.getByLabel("From")).toHaveValue(day);

  // Sync history: the runs that logged a line for this agent, the start-up run among them.
  await page.goto("/sync");
  const runFilters = page.getByRole("form", { name: "Run filters" });
  await runFilters.getByLabel("Agent").fill(username);
  await runFilters.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText(`Runs that changed or reported ${added!.objectName}.`)).toBeVisible();
  await expect(page.getByRole("table", { name: "Sync runs" }).getByRole("link", { name: String(startup.id), exact: true })).toBeVisible();
  await runFilters.getByLabel("Agent").fill("no-such-agent-anywhere");
  await runFilters.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No agent has the username or id “no-such-agent-anywhere”.")).toBeVisible();
  await expect(page.getByText("No run matches these filters")).toBeVisible();
});

test("GET /sync/runs/{id}/events takes q, from and to, refuses a time without a zone, and answers CSV", async ({ page }) => {
  await signInAsAdmin(page);
  const runs = (await (await page.request.get("/api/v1/sync/runs?kind=full&limit=500")).json()) as { items: { id: number; trigger: string; startedAt: string }[] };
  const startup = runs.items.filter((r) => r.trigger === "startup").at(-1)!;
  const base = `/api/v1/sync/runs/${startup.id}/events`;
  const [added] = ((await (await page.request.get(`${base}?action=added&objectType=agent&limit=1`)).json()) as { items: Event[] }).items;

  const byKey = (await (await page.request.get(`${base}?q=${added!.objectKey}&objectType=agent`)).json()) as { items: Event[] };
  expect(byKey.items.map((e) => e.objectKey)).toContain(added!.objectKey);
  const later = (await (await page.request.get(`${base}?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).json()) as { items: Event[] };
  expect(later.items).toEqual([]);
  const all = (await (await page.request.get(`${base}?from=2000-01-01&limit=1000`)).json()) as { items: Event[] };
  expect(all.items.length).toBeGreaterThan(0);

  const noZone = await expectError(await page.request.get(`${base}?from=2026-12-02T10:00`), 400, "BAD_INPUT", ["from"]);
  expect(noZone.details![0]!.message).toBe("from is an ISO date-time with its zone, such as 2026-12-02T09:00:00Z, or a date, 2026-12-02");
  await expectError(await page.request.get(`${base}?from=2026-12-02&to=2026-12-01`), 400, "BAD_INPUT", ["to"]);
  await expectError(await page.request.get(`${base}?format=xml`), 400, "BAD_INPUT", ["format"]);

  const csv = await page.request.get(`${base}?objectType=skill&format=csv`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  expect(csv.headers()["content-disposition"]).toBe(`attachment; filename="sync-run-${startup.id}-log.csv"`);
  const skillLines = (await (await page.request.get(`${base}?objectType=skill&limit=1000`)).json()) as { items: Event[]; next: string | null };
  expect(skillLines.next).toBeNull();
  expect((await csv.text()).split("\r\n").filter(Boolean)).toHaveLength(skillLines.items.length + 1);
});

test("Agent Properties filters the agent's own events by text and date, and links its runs", async ({ page }) => {
  await signInAsAdmin(page);
  const sql = await productDatabase();
  const [agent] = await sql`select id from wfm.agents where termination_date is null order by id limit 1`;
  await sql.end();
  await page.goto(`/agents/${agent!.id}`);
  const filters = page.getByRole("form", { name: "Event filters" });
  const events = page.getByRole("table", { name: "Sync events of this agent" });
  await expect(events.getByRole("row").nth(1)).toBeVisible();
  await filters.getByLabel("Search").fill("added:");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/q=added%3A/);
  await expect(events.getByRole("row").nth(1)).toContainText("added");
  await filters.getByLabel("Search").fill("no such text in any message");
  await filters.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No event of this agent matches these filters.")).toBeVisible();
  await filters.getByRole("link", { name: "Clear" }).click();
  await expect(events.getByRole("row").nth(1)).toBeVisible();
  await filters.getByRole("link", { name: "Runs of this agent →" }).click();
  await expect(page).toHaveURL(new RegExp(`/sync\\?agentId=${agent!.id}$`));
  await expect(page.getByRole("table", { name: "Sync runs" }).getByRole("row").nth(1)).toBeVisible();
});
