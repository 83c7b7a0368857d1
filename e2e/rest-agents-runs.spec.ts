/**
 * REST v1 for agents, sync runs and their events, users, skills, time zones, validation and health (SPEC §6 and
 * the §6.1 shapes): happy paths with search and cursor paging, moves between sites, termination and a targeted
 * sync, and the refusals — 400 with field details, 401 without a session, 403 for a viewer, 404 for unknown ids.
 *
 * The agents this changes are put back as they were, and the sites it creates are removed again, so the demo
 * data the later specs count on is as it was.
 */
import { expect, test } from "@playwright/test";
import type { z } from "zod";
import * as shape from "../lib/api/shapes";
import { hashPassword } from "../lib/auth/password";
import { adminPassword, expectError, expectShape, productDatabase, signIn } from "./helpers";

const VIEWER = { username: "e2e.agents.viewer", password: "viewer-password-3" };

/** A viewer, inserted directly (as the product's own first admin is). */
async function ensureViewer() {
  const sql = await productDatabase();
  try {
    await sql`insert into wfm.users (username, first_name, last_name, role, password_hash)
              values (${VIEWER.username}, 'Vera', 'Viewer', 'viewer', ${await hashPassword(VIEWER.password)})
              on conflict (username) do nothing`;
  } finally {
    await sql.end();
  }
}

type Agent = z.infer<typeof shape.agentShape>;
type Page<T> = { items: T[]; next: string | null };
type Run = z.infer<typeof shape.runShape>;

/** SPEC §6.1 "agent", exactly. */
const expectAgentShape = (agent: Agent) => expectShape(shape.agentShape, agent, `agent ${agent.id}`);

/** SPEC §6.1 "run": every field it names (the product may add more). */
function expectRunShape(run: Run) {
  expect(run).toMatchObject({
    id: expect.any(Number),
    server: expect.any(String),
    kind: expect.stringMatching(/^(full|realtime|targeted)$/),
    trigger: expect.stringMatching(/^(startup|schedule|manual|failover|reinstate)$/),
    level: expect.any(Number),
    status: expect.stringMatching(/^(running|succeeded|failed|partial)$/),
    startedAt: expect.any(String),
    counts: { added: expect.any(Number), updated: expect.any(Number), terminated: expect.any(Number), skipped: expect.any(Number), errors: expect.any(Number) },
    progress: { done: expect.any(Number), total: expect.any(Number) },
  });
  for (const field of ["finishedAt", "error"] as const) expect(run).toHaveProperty(field);
  expect(Number.isNaN(Date.parse(run.startedAt))).toBe(false);
  if (run.finishedAt !== null) expect(Date.parse(run.finishedAt)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
}

test("health answers without a session; everything else is 401 without one", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const health = await anonymous.get("/api/v1/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok", database: { reachable: true } });

  for (const [method, path] of [
    ["GET", "/api/v1/agents"],
    ["GET", "/api/v1/agents?q=a&limit=1"],
    ["GET", "/api/v1/agents/1"],
    ["PATCH", "/api/v1/agents/1"],
    ["POST", "/api/v1/agents/1/sync"],
    ["GET", "/api/v1/sync/runs"],
    ["GET", "/api/v1/sync/runs/1"],
    ["GET", "/api/v1/sync/runs/1/events"],
    ["GET", "/api/v1/users"],
    ["POST", "/api/v1/users/import"],
    ["GET", "/api/v1/skills"],
    ["GET", "/api/v1/time-zones"],
    ["GET", "/api/v1/validation"],
  ] as const) {
    const response = await anonymous.fetch(path, { method, data: method === "GET" ? undefined : { siteId: null } });
    expect(response.status(), `${method} ${path}`).toBe(401);
    expect((await response.json()).error.code, `${method} ${path}`).toBe("UNAUTHENTICATED");
  }
});

test("agents: search and pages, one agent, moves between sites, and the refusals", async ({ playwright, baseURL }) => {
  const stamp = Date.now();
  await ensureViewer();
  const admin = await playwright.request.newContext({ baseURL });
  await signIn(admin, "admin", adminPassword());
  const viewer = await playwright.request.newContext({ baseURL });
  await signIn(viewer, VIEWER.username, VIEWER.password);

  // Pages by id with a cursor; the pages join up without gaps or repeats.
  const first = await admin.get("/api/v1/agents?limit=3");
  expect(first.status()).toBe(200);
  const page1 = (await first.json()) as Page<Agent>;
  expect(Object.keys(page1).sort()).toEqual(["items", "next", "total", "totalIsEstimate"]);
  // Every agent is counted exactly (an estimate only above 10,000): the demo's 1,000 and any a test added.
  const sql = await productDatabase();
  const [{ n: agentCount }] = (await sql`select count(*)::int as n from wfm.agents`) as unknown as [{ n: number }];
  await sql.end();
  expect(agentCount).toBeGreaterThanOrEqual(1000);
  expect(page1).toMatchObject({ total: agentCount, totalIsEstimate: false });
  expect(page1.items).toHaveLength(3);
  page1.items.forEach(expectAgentShape);
  expect(page1.next).toEqual(expect.any(String));
  const page2 = (await (await admin.get(`/api/v1/agents?limit=3&cursor=${encodeURIComponent(page1.next!)}`)).json()) as Page<Agent>;
  expect(page2.items).toHaveLength(3);
  const both = (await (await admin.get("/api/v1/agents?limit=6")).json()) as Page<Agent>;
  expect([...page1.items, ...page2.items].map((a) => a.id)).toEqual(both.items.map((a) => a.id));
  const ids = both.items.map((a) => a.id);
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  expect(new Set(ids).size).toBe(6);
  // The last page says so.
  const last = (await (await admin.get(`/api/v1/agents?limit=200&cursor=2147483647`)).json()) as Page<Agent>;
  expect(last).toEqual({ items: [], next: null, total: agentCount, totalIsEstimate: false });

  // An agent in the middle of the demo data, on a site, not terminated: the one this test moves.
  const middle = (await (await admin.get("/api/v1/agents?terminated=false&limit=200&cursor=400")).json()) as Page<Agent>;
  const agent = middle.items.find((a) => a.site !== null && a.terminationDate === null && !a.awaitingFullSync);
  expect(agent, "a demo agent with a site").toBeTruthy();
  const originalSite = agent!.site!;

  // q matches the username; every hit holds the search text.
  const byName = (await (await admin.get(`/api/v1/agents?q=${encodeURIComponent(agent!.username.toUpperCase())}`)).json()) as Page<Agent>;
  expect(byName.items.map((a) => a.id)).toContain(agent!.id);
  for (const hit of byName.items) {
    expect(`${hit.firstName} ${hit.lastName} ${hit.username} ${hit.employeeId ?? ""}`.toLowerCase()).toContain(agent!.username.toLowerCase());
  }
  expect(await (await admin.get(`/api/v1/agents?q=no-such-agent-${stamp}`)).json()).toEqual({ items: [], next: null, total: 0, totalIsEstimate: false });
  // site= narrows to one site; cfgDbid= to one person.
  const bySite = (await (await admin.get(`/api/v1/agents?site=${originalSite.id}&limit=20`)).json()) as Page<Agent>;
  expect(bySite.items.length).toBeGreaterThan(0);
  for (const hit of bySite.items) expect(hit.site).toEqual(originalSite);
  expect(await (await admin.get(`/api/v1/agents?cfgDbid=${agent!.cfgDbid}`)).json()).toEqual({ items: [agent], next: null, total: 1, totalIsEstimate: false });
  // Sorted by name, either way, in pages that join up.
  const byNameAsc = (await (await admin.get("/api/v1/agents?sort=name&limit=4")).json()) as Page<Agent>;
  const byNameNext = (await (await admin.get(`/api/v1/agents?sort=name&limit=4&cursor=${byNameAsc.next}`)).json()) as Page<Agent>;
  const eight = (await (await admin.get("/api/v1/agents?sort=name&limit=8")).json()) as Page<Agent>;
  expect([...byNameAsc.items, ...byNameNext.items].map((a) => a.id)).toEqual(eight.items.map((a) => a.id));
  const nameKey = (a: Agent) => `${a.lastName.toLowerCase()}\u0000${a.firstName.toLowerCase()}`;
  expect(eight.items.map(nameKey)).toEqual([...eight.items.map(nameKey)].sort());
  const byUsernameDesc = (await (await admin.get("/api/v1/agents?sort=username&dir=desc&limit=5")).json()) as Page<Agent>;
  expect(byUsernameDesc.items.map((a) => a.username.toLowerCase())).toEqual(byUsernameDesc.items.map((a) => a.username.toLowerCase()).sort().reverse());
  await expectError(await admin.get("/api/v1/agents?sort=site"), 400, "BAD_INPUT", ["sort"]);
  // terminated= is true or false.
  for (const hit of ((await (await admin.get("/api/v1/agents?terminated=false&limit=50")).json()) as Page<Agent>).items) {
    expect(hit.terminationDate).toBeNull();
  }
  for (const hit of ((await (await admin.get("/api/v1/agents?terminated=true&limit=50")).json()) as Page<Agent>).items) {
    expect(hit.terminationDate).not.toBeNull();
  }
  await expectError(await admin.get("/api/v1/agents?limit=0"), 400, "BAD_INPUT", ["limit"]);
  const maybe = await expectError(await admin.get("/api/v1/agents?terminated=maybe"), 400, "BAD_INPUT", ["terminated"]);
  expect(maybe.details![0]!.message).toBe("terminated is true or false");
  const twoBad = await expectError(await admin.get("/api/v1/agents?limit=0&terminated=maybe"), 400, "BAD_INPUT");
  expect(twoBad.details!.map((d) => d.path).sort()).toEqual(["limit", "terminated"]);
  await expectError(await admin.get("/api/v1/agents?site=abc"), 400, "BAD_INPUT", ["site"]);
  await expectError(await admin.get("/api/v1/agents?cursor=x"), 400, "BAD_INPUT", ["cursor"]);

  // One agent; a viewer reads it too.
  const one = await admin.get(`/api/v1/agents/${agent!.id}`);
  expect(one.status()).toBe(200);
  expect(await one.json()).toEqual(agent);
  expect(await (await viewer.get(`/api/v1/agents/${agent!.id}`)).json()).toEqual(agent);
  expect((await viewer.get("/api/v1/agents?limit=1")).status()).toBe(200);
  const unknown = await expectError(await admin.get("/api/v1/agents/99999999"), 404, "NOT_FOUND");
  expect(unknown.message).toBe("There is no agent with id 99999999.");
  await expectError(await admin.get("/api/v1/agents/abc"), 400, "BAD_INPUT", ["id"]);

  // Two sites of our own to move the agent between.
  const zones = ((await (await admin.get("/api/v1/time-zones")).json()).items as { name: string }[]).map((z) => z.name);
  const siteIds: number[] = [];
  for (const name of [`E2E Move A ${stamp}`, `E2E Move B ${stamp}`]) {
    const created = await admin.post("/api/v1/sites", { data: { name, timeZone: zones[0] } });
    expect(created.status(), await created.text()).toBe(201);
    expect(await created.json()).toMatchObject({ id: expect.any(Number), name, server: null, agentCount: 0 });
    siteIds.push((await created.json()).id);
  }
  const [siteA, siteB] = siteIds as [number, number];
  try {
    const unassignedBefore = (await (await admin.get("/api/v1/validation")).json()).unassignedAgents as number;

    const toA = await admin.patch(`/api/v1/agents/${agent!.id}`, { data: { siteId: siteA } });
    expect(toA.status(), await toA.text()).toBe(200);
    expect(await toA.json()).toEqual({ ...agent, site: { id: siteA, name: `E2E Move A ${stamp}` } });
    expect(await (await admin.get(`/api/v1/sites/${siteA}`)).json()).toMatchObject({ agentCount: 1 });
    expect(((await (await admin.get(`/api/v1/agents?site=${siteA}`)).json()) as Page<Agent>).items.map((a) => a.id)).toEqual([agent!.id]);

    const toB = await admin.patch(`/api/v1/agents/${agent!.id}`, { data: { siteId: siteB } });
    expect(await toB.json()).toMatchObject({ id: agent!.id, site: { id: siteB, name: `E2E Move B ${stamp}` } });
    expect(await (await admin.get(`/api/v1/sites/${siteA}`)).json()).toMatchObject({ agentCount: 0 });
    expect(await (await admin.get(`/api/v1/sites/${siteB}`)).json()).toMatchObject({ agentCount: 1 });

    const toNone = await admin.patch(`/api/v1/agents/${agent!.id}`, { data: { siteId: null } });
    expect(toNone.status()).toBe(200);
    expect(await toNone.json()).toEqual({ ...agent, site: null });
    expect(await (await admin.get(`/api/v1/agents/${agent!.id}`)).json()).toMatchObject({ site: null });
    expect((await (await admin.get("/api/v1/validation")).json()).unassignedAgents).toBe(unassignedBefore + 1);
    expect(await (await admin.get(`/api/v1/sites/${siteB}`)).json()).toMatchObject({ agentCount: 0 });

    // A viewer may not move or terminate.
    const refused = await expectError(await viewer.patch(`/api/v1/agents/${agent!.id}`, { data: { siteId: siteA } }), 403, "FORBIDDEN");
    expect(refused.message).toBe("Your role (viewer) may not terminate or reinstate agents; an administrator or a supervisor can.");
    await expectError(await viewer.patch(`/api/v1/agents/${agent!.id}`, { data: { terminationDate: null } }), 403, "FORBIDDEN");
    await expectError(await viewer.post(`/api/v1/agents/${agent!.id}/sync`), 403, "FORBIDDEN");

    // Bad bodies and ids, and nothing written by them.
    const badDate = await expectError(await admin.patch(`/api/v1/agents/${agent!.id}`, { data: { terminationDate: "2026-13-45" } }), 400, "BAD_INPUT", [
      "terminationDate",
    ]);
    expect(badDate.details![0]!.message).toBe("a termination date is a date, YYYY-MM-DD");
    await expectError(await admin.patch(`/api/v1/agents/${agent!.id}`, { data: { terminationDate: "31/12/2026" } }), 400, "BAD_INPUT", ["terminationDate"]);
    await expectError(await admin.patch(`/api/v1/agents/${agent!.id}`, { data: { siteId: "A" } }), 400, "BAD_INPUT", ["siteId"]);
    await expectError(await admin.patch(`/api/v1/agents/${agent!.id}`, { data: { siteId: siteA, terminationDate: "never" } }), 400, "BAD_INPUT", [
      "terminationDate",
    ]);
    await expectError(await admin.patch(`/api/v1/agents/${agent!.id}`, { data: {} }), 400, "BAD_INPUT");
    const unknownField = await expectError(await admin.patch(`/api/v1/agents/${agent!.id}`, { data: { site: siteA } }), 400, "BAD_INPUT");
    expect(unknownField.details![0]!.message).toContain("site");
    const notJson = await expectError(
      await admin.patch(`/api/v1/agents/${agent!.id}`, { data: Buffer.from("{siteId:"), headers: { "content-type": "application/json" } }),
      400,
      "BAD_INPUT",
    );
    expect(notJson.message).toBe("The request body must be JSON.");
    await expectError(await admin.patch("/api/v1/agents/abc", { data: { siteId: null } }), 400, "BAD_INPUT", ["id"]);
    await expectError(await admin.patch("/api/v1/agents/99999999", { data: { siteId: null } }), 404, "NOT_FOUND");
    await expectError(await admin.patch(`/api/v1/agents/${agent!.id}`, { data: { siteId: 99999999 } }), 404, "NOT_FOUND", ["siteId"]);
    expect(await (await admin.get(`/api/v1/agents/${agent!.id}`)).json()).toEqual({ ...agent, site: null });
  } finally {
    // The agent back where it was, and our sites gone.
    const back = await admin.patch(`/api/v1/agents/${agent!.id}`, { data: { siteId: originalSite.id } });
    expect(await back.json()).toEqual(agent);
    for (const id of siteIds) expect((await admin.delete(`/api/v1/sites/${id}`)).status()).toBe(204);
  }
});

test("termination over REST, a targeted sync, and the sync log's runs and events", async ({ playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  await signIn(admin, "admin", adminPassword());

  // Terminate and reinstate an agent; the reinstated agent waits for a full sync, or a targeted one.
  const candidates = (await (await admin.get("/api/v1/agents?terminated=false&limit=50&cursor=600")).json()) as Page<Agent>;
  const agent = candidates.items.find((a) => !a.awaitingFullSync)!;
  expect(agent).toBeTruthy();
  const terminated = await admin.patch(`/api/v1/agents/${agent.id}`, { data: { terminationDate: "2030-01-31" } });
  expect(terminated.status(), await terminated.text()).toBe(200);
  expect(await terminated.json()).toEqual({ ...agent, terminationDate: "2030-01-31", terminationSource: "manual", awaitingFullSync: false });
  expect(((await (await admin.get(`/api/v1/agents?terminated=true&cfgDbid=${agent.cfgDbid}`)).json()) as Page<Agent>).items).toHaveLength(1);
  const reinstated = await admin.patch(`/api/v1/agents/${agent.id}`, { data: { terminationDate: null } });
  expect(await reinstated.json()).toEqual({ ...agent, terminationDate: null, terminationSource: null, awaitingFullSync: true });

  const sync = await admin.post(`/api/v1/agents/${agent.id}/sync`);
  expect(sync.status(), await sync.text()).toBe(202);
  const started = await sync.json();
  if ("runId" in started) expect(started).toEqual({ runId: expect.any(Number) });
  else expect(started).toMatchObject({ requestId: expect.any(Number) });
  await expect.poll(async () => (await (await admin.get(`/api/v1/agents/${agent.id}`)).json()).awaitingFullSync).toBe(false);
  expect(await (await admin.get(`/api/v1/agents/${agent.id}`)).json()).toEqual(agent);
  const targeted = (await (await admin.get("/api/v1/sync/runs?server=WFMServer&kind=targeted")).json()) as Page<Run>;
  const run = "runId" in started ? targeted.items.find((r) => r.id === started.runId) : targeted.items[0];
  expect(run).toMatchObject({ server: "WFMServer", kind: "targeted", trigger: "reinstate" });
  await expect.poll(async () => (await (await admin.get(`/api/v1/sync/runs/${run!.id}`)).json()).status).toBe("succeeded");
  await expectError(await admin.post("/api/v1/agents/abc/sync"), 400, "BAD_INPUT");
  await expectError(await admin.post("/api/v1/agents/99999999/sync"), 404, "NOT_FOUND");

  // Full runs of WFMServer, newest first, in the SPEC's shape; the start-up run is among them.
  const runsResponse = await admin.get("/api/v1/sync/runs?server=WFMServer&kind=full");
  expect(runsResponse.status()).toBe(200);
  const runs = (await runsResponse.json()) as Page<Run>;
  expect(Object.keys(runs).sort()).toEqual(["items", "next"]);
  expect(runs.items.length).toBeGreaterThan(0);
  for (const r of runs.items) {
    expectRunShape(r);
    expect(r).toMatchObject({ server: "WFMServer", kind: "full" });
  }
  const runIds = runs.items.map((r) => r.id);
  expect(runIds).toEqual([...runIds].sort((a, b) => b - a));
  const startup = runs.items.find((r) => r.trigger === "startup")!;
  expect(startup, "the start-up full sync").toBeTruthy();
  expect(startup).toMatchObject({ level: 2, status: expect.stringMatching(/^(succeeded|partial)$/), finishedAt: expect.any(String) });
  expect(startup.counts.added).toBeGreaterThanOrEqual(1000);
  expect(startup.progress.done).toBe(startup.progress.total);
  for (const r of ((await (await admin.get("/api/v1/sync/runs?status=succeeded&limit=5")).json()) as Page<Run>).items) {
    expect(r.status).toBe("succeeded");
  }
  // Pages, newest first: the start-up run and the targeted run at least, so a page of one has a next.
  const newest = (await (await admin.get("/api/v1/sync/runs?limit=1")).json()) as Page<Run>;
  expect(newest.items).toHaveLength(1);
  expect(newest.next).toEqual(expect.any(String));
  const older = (await (await admin.get(`/api/v1/sync/runs?limit=1&cursor=${encodeURIComponent(newest.next!)}`)).json()) as Page<Run>;
  expect(older.items).toHaveLength(1);
  expect(older.items[0]!.id).toBeLessThan(newest.items[0]!.id);
  expect(((await (await admin.get("/api/v1/sync/runs?limit=2")).json()) as Page<Run>).items.map((r) => r.id)).toEqual([newest.items[0]!.id, older.items[0]!.id]);
  const weekly = await expectError(await admin.get("/api/v1/sync/runs?server=WFMServer&kind=weekly"), 400, "BAD_INPUT", ["kind"]);
  expect(weekly.details![0]!.message).toBe("kind is full, realtime or targeted");
  await expectError(await admin.get("/api/v1/sync/runs?status=exploded"), 400, "BAD_INPUT", ["status"]);
  await expectError(await admin.get("/api/v1/sync/runs?limit=0"), 400, "BAD_INPUT", ["limit"]);

  // One run.
  const oneRun = await admin.get(`/api/v1/sync/runs/${startup.id}`);
  expect(oneRun.status()).toBe(200);
  expect(await oneRun.json()).toEqual(startup);
  const noRun = await expectError(await admin.get("/api/v1/sync/runs/99999999"), 404, "NOT_FOUND");
  expect(noRun.message).toBe("There is no sync run 99999999.");
  await expectError(await admin.get("/api/v1/sync/runs/abc"), 400, "BAD_INPUT");

  // Its log, filtered and in pages.
  const eventsResponse = await admin.get(`/api/v1/sync/runs/${startup.id}/events?action=added&objectType=agent&limit=4`);
  expect(eventsResponse.status()).toBe(200);
  const events = (await eventsResponse.json()) as Page<{ id: number; runId: number; at: string; objectType: string; objectKey: string; action: string; message: string; objectName: string | null; agentId: number | null }>;
  expect(events.items).toHaveLength(4);
  expect(events.next).toEqual(expect.any(String));
  for (const event of events.items) {
    expect(Object.keys(event).sort()).toEqual(["action", "agentId", "at", "id", "message", "objectKey", "objectName", "objectType", "runId"]);
    expect(event).toEqual({
      id: expect.any(Number),
      runId: startup.id,
      at: expect.any(String),
      objectType: "agent",
      objectKey: expect.stringMatching(/^\d+$/),
      action: "added",
      message: expect.stringMatching(/\S/),
      objectName: expect.stringMatching(/^.+ \(.+\)$/),
      agentId: expect.any(Number),
    });
  }
  const more = (await (await admin.get(`/api/v1/sync/runs/${startup.id}/events?action=added&objectType=agent&limit=4&cursor=${events.next}`)).json()) as typeof events;
  expect(more.items).toHaveLength(4);
  expect(more.items[0]!.id).toBeGreaterThan(events.items.at(-1)!.id);
  const eight = (await (await admin.get(`/api/v1/sync/runs/${startup.id}/events?action=added&objectType=agent&limit=8`)).json()) as typeof events;
  expect(eight.items.map((e) => e.id)).toEqual([...events.items, ...more.items].map((e) => e.id));
  // The demo's colliding skill name is an error in the start-up run's log.
  const errors = (await (await admin.get(`/api/v1/sync/runs/${startup.id}/events?action=error`)).json()) as typeof events;
  expect(errors.items.some((e) => e.objectType === "skill" && e.message.includes("Billing"))).toBe(true);
  for (const e of errors.items) expect(e.action).toBe("error");
  const exploded = await expectError(await admin.get(`/api/v1/sync/runs/${startup.id}/events?action=exploded`), 400, "BAD_INPUT", ["action"]);
  expect(exploded.details![0]!.message).toMatch(/^action is one of /);
  await expectError(await admin.get("/api/v1/sync/runs/99999999/events"), 404, "NOT_FOUND");
  await expectError(await admin.get("/api/v1/sync/runs/abc/events"), 400, "BAD_INPUT");
});

test("users, import, skills, time zones and validation over REST", async ({ playwright, baseURL }) => {
  await ensureViewer();
  const admin = await playwright.request.newContext({ baseURL });
  await signIn(admin, "admin", adminPassword());
  const viewer = await playwright.request.newContext({ baseURL });
  await signIn(viewer, VIEWER.username, VIEWER.password);

  type User = { username: string; role: string };
  const usersResponse = await admin.get("/api/v1/users");
  expect(usersResponse.status()).toBe(200);
  const users = (await usersResponse.json()) as Page<User>;
  expect(users.next).toBeNull();
  expect(users.items).toContainEqual(expect.objectContaining({ username: "admin", role: "admin" }));
  expect(users.items).toContainEqual(expect.objectContaining({ username: VIEWER.username, role: "viewer" }));
  expect((await viewer.get("/api/v1/users")).status()).toBe(200);

  // A person from cfg who is not an agent and not a user yet, found through the cfg API.
  type Person = { dbid: number; username: string; isAgent: boolean };
  const nonAgents: Person[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: Page<Person> = await (await admin.get(`/api/v1/config/persons?limit=1000${cursor ? `&cursor=${cursor}` : ""}`)).json();
    nonAgents.push(...page.items.filter((p) => !p.isAgent));
    cursor = page.next;
  } while (cursor !== null && ++pages < 20);
  const userNames = new Set(users.items.map((u) => u.username.toLowerCase()));
  const candidates = nonAgents.filter((p) => !userNames.has(p.username.toLowerCase()));
  expect(candidates.length, "the demo data has persons who are not agents").toBeGreaterThan(1);
  const person = candidates[Math.floor(candidates.length / 2)]!;

  await expectError(await viewer.post("/api/v1/users/import", { data: { cfgDbids: [person.dbid], role: "viewer" } }), 403, "FORBIDDEN");
  const god = await expectError(await admin.post("/api/v1/users/import", { data: { cfgDbids: [person.dbid], role: "god" } }), 400, "BAD_INPUT", ["role"]);
  expect(god.details![0]!.message).toBe("the role is admin, supervisor or viewer");
  await expectError(await admin.post("/api/v1/users/import", { data: { cfgDbids: [], role: "viewer" } }), 400, "BAD_INPUT", ["cfgDbids"]);
  await expectError(await admin.post("/api/v1/users/import", { data: { cfgDbids: ["x"], role: "viewer" } }), 400, "BAD_INPUT", ["cfgDbids.0"]);
  await expectError(await admin.post("/api/v1/users/import", { data: { cfgDbids: [person.dbid], role: "viewer", password: "x" } }), 400, "BAD_INPUT");
  const notJson = await expectError(
    await admin.post("/api/v1/users/import", { data: Buffer.from("cfgDbids=1&role=viewer"), headers: { "content-type": "application/json" } }),
    400,
    "BAD_INPUT",
  );
  expect(notJson.message).toBe("The request body must be JSON.");
  await expectError(await admin.post("/api/v1/users/import", { data: { cfgDbids: [99_999_999], role: "viewer" } }), 404, "NOT_FOUND");
  // None of the refusals imported anyone.
  expect(((await (await admin.get("/api/v1/users")).json()) as Page<User>).items.map((u) => u.username)).not.toContain(person.username);

  const imported = await admin.post("/api/v1/users/import", { data: { cfgDbids: [person.dbid], role: "viewer" } });
  expect(imported.status(), await imported.text()).toBe(201);
  expect(await imported.json()).toEqual({ imported: [person.username], already: 0 });
  const again = await admin.post("/api/v1/users/import", { data: { cfgDbids: [person.dbid], role: "supervisor" } });
  expect(again.status()).toBe(201);
  expect(await again.json()).toEqual({ imported: [], already: 1 });
  const after = ((await (await admin.get("/api/v1/users")).json()) as Page<User>).items;
  expect(after.filter((u) => u.username === person.username)).toEqual([expect.objectContaining({ username: person.username, role: "viewer" })]);

  // Imported reference data.
  const skillsResponse = await viewer.get("/api/v1/skills");
  expect(skillsResponse.status()).toBe(200);
  const skills = (await skillsResponse.json()) as Page<{ source: string; cfgDbid: number; tenantDbid: number; name: string }>;
  expect(skills.items.length).toBeGreaterThan(0);
  for (const skill of skills.items) expect(skill).toEqual({ source: expect.any(String), cfgDbid: expect.any(Number), tenantDbid: expect.any(Number), name: expect.any(String) });
  expect(new Set(skills.items.map((s) => s.name)).size).toBe(skills.items.length); // names are unique in WFM
  expect(skills.items.map((s) => s.name)).not.toContain("Billing");
  const zonesResponse = await viewer.get("/api/v1/time-zones");
  expect(zonesResponse.status()).toBe(200);
  const zones = (await zonesResponse.json()) as Page<{ source: string; cfgDbid: number; tenantDbid: number; name: string; ianaName: string }>;
  expect(zones.items.length).toBeGreaterThan(0);
  for (const zone of zones.items) {
    expect(zone).toEqual({ source: expect.any(String), cfgDbid: expect.any(Number), tenantDbid: expect.any(Number), name: expect.any(String), ianaName: expect.any(String) });
  }
  expect(zones.items).toContainEqual(expect.objectContaining({ name: "Eastern", ianaName: "America/New_York" }));

  // Validation: the demo's colliding skill, and a count of agents without a site.
  const validationResponse = await viewer.get("/api/v1/validation");
  expect(validationResponse.status()).toBe(200);
  const validation = await validationResponse.json();
  expect(Object.keys(validation).sort()).toEqual(["brokenSites", "duplicates", "unassignedAgents"]);
  expect(validation.unassignedAgents).toEqual(expect.any(Number)); // its meaning: moving an agent to no site adds one (the agents test)
  for (const duplicate of validation.duplicates) {
    expect(duplicate).toEqual({
      objectType: expect.stringMatching(/^(switch|timeZone|skill)$/),
      name: expect.any(String),
      members: expect.any(Array),
    });
    expect(duplicate.members.length).toBeGreaterThan(1);
    for (const member of duplicate.members) expect(member).toEqual({ source: expect.any(String), tenantDbid: expect.any(Number), dbid: expect.any(Number) });
  }
  expect(validation.duplicates).toContainEqual(expect.objectContaining({ objectType: "skill", name: "Billing" }));
});
