/**
 * REST v1 for sites and servers (SPEC §6): happy paths, 400 with field details, 401 without a session,
 * 403 for a viewer and for a cross-origin write, 404 for unknown ids and servers.
 */
import { expect, test } from "@playwright/test";
import { hashPassword } from "../lib/auth/password";
import { adminPassword, productDatabase, signIn } from "./helpers";

test("sites and servers over REST, with every kind of refusal", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  expect((await anonymous.get("/api/v1/sites")).status()).toBe(401);
  expect((await anonymous.patch("/api/v1/sites/1", { data: { server: null } })).status()).toBe(401);
  expect((await anonymous.post("/api/v1/servers/WFMServer/full-sync")).status()).toBe(401);

  const admin = await playwright.request.newContext({ baseURL });
  await signIn(admin, "admin", adminPassword());
  const sites = (await (await admin.get("/api/v1/sites")).json()).items as { id: number; name: string; server: string | null }[];
  expect(sites.length).toBeGreaterThan(0);
  const servers = (await (await admin.get("/api/v1/servers")).json()).items as { name: string; syncLevel: number; instances: { role: string }[]; cursorLag: number }[];
  expect(servers.find((s) => s.name === "WFMServer")).toMatchObject({ syncLevel: 2, instances: [{ role: "primary" }] });

  const site = sites[0]!;
  const assigned = await admin.patch(`/api/v1/sites/${site.id}`, { data: { server: "WFMServer" } });
  expect(assigned.status()).toBe(200);
  expect(await assigned.json()).toMatchObject({ id: site.id, server: "WFMServer" });
  const cleared = await admin.patch(`/api/v1/sites/${site.id}`, { data: { server: null } });
  expect(await cleared.json()).toMatchObject({ server: null });

  const badBody = await admin.patch(`/api/v1/sites/${site.id}`, { data: { server: 3 } });
  expect(badBody.status()).toBe(400);
  expect((await badBody.json()).error).toMatchObject({ code: "BAD_INPUT", details: [{ path: "server" }] });
  const badId = await admin.patch("/api/v1/sites/abc", { data: { server: null } });
  expect(badId.status()).toBe(400);
  expect((await admin.patch("/api/v1/sites/999999", { data: { server: null } })).status()).toBe(404);
  const unknownServer = await admin.patch(`/api/v1/sites/${site.id}`, { data: { server: "Nobody" } });
  expect(unknownServer.status()).toBe(404);
  expect((await unknownServer.json()).error.message).toBe("There is no WFM Server named 'Nobody'.");
  const crossSite = await admin.patch(`/api/v1/sites/${site.id}`, { data: { server: null }, headers: { origin: "https://evil.example" } });
  expect(crossSite.status()).toBe(403);

  const started = await admin.post("/api/v1/servers/WFMServer/full-sync");
  expect(started.status()).toBe(202);
  expect(await started.json()).toEqual({ runId: expect.any(Number) });
  expect((await admin.post("/api/v1/servers/Nobody/full-sync")).status()).toBe(404);

  // A viewer reads, and is refused every write with 403.
  const sql = await productDatabase();
  try {
    await sql`insert into wfm.users (username, first_name, last_name, role, password_hash)
              values ('e2e.viewer', 'Vic', 'Viewer', 'viewer', ${await hashPassword("viewer-password-1")})
              on conflict (username) do nothing`;
  } finally {
    await sql.end();
  }
  const viewer = await playwright.request.newContext({ baseURL });
  await signIn(viewer, "e2e.viewer", "viewer-password-1");
  expect((await viewer.get("/api/v1/sites")).status()).toBe(200);
  const refused = await viewer.patch(`/api/v1/sites/${site.id}`, { data: { server: null } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toBe("Your role (viewer) may not change sites; an administrator can.");
  expect((await viewer.post("/api/v1/servers/WFMServer/full-sync")).status()).toBe(403);
});

test("reference data, validation and users over REST", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  for (const path of ["/api/v1/skills", "/api/v1/time-zones", "/api/v1/validation", "/api/v1/users"]) {
    expect((await anonymous.get(path)).status(), path).toBe(401);
  }
  const admin = await playwright.request.newContext({ baseURL });
  await signIn(admin, "admin", adminPassword());
  const skills = (await (await admin.get("/api/v1/skills")).json()).items as { name: string }[];
  expect(skills.length).toBeGreaterThan(0);
  expect(skills.some((s) => s.name === "Billing")).toBe(false); // the colliding name is not synchronized
  expect((await (await admin.get("/api/v1/time-zones")).json()).items.length).toBeGreaterThan(0);
  const validation = await (await admin.get("/api/v1/validation")).json();
  expect(validation.duplicates).toContainEqual({ objectType: "skill", name: "Billing", members: [{ source: "main", tenantDbid: 1, dbid: 1 }, { source: "main", tenantDbid: 2, dbid: 13 }] });
  expect(validation.unassignedAgents).toEqual(expect.any(Number));

  const bad = await admin.post("/api/v1/users/import", { data: { cfgDbids: [], role: "boss" } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.details.map((d: { path: string }) => d.path).sort()).toEqual(["cfgDbids", "role"]);
  expect((await admin.post("/api/v1/users/import", { data: { cfgDbids: [99_999_999], role: "viewer" } })).status()).toBe(404);
  const sql = await productDatabase();
  const [person] = await sql`select dbid, username from cfg.persons p where not exists (select 1 from wfm.users u where u.cfg_dbid = p.dbid) order by dbid desc limit 1`;
  await sql.end();
  const imported = await admin.post("/api/v1/users/import", { data: { cfgDbids: [Number(person!.dbid)], role: "supervisor" } });
  expect(imported.status()).toBe(201);
  expect(await imported.json()).toEqual({ imported: [person!.username], already: 0 });
  const users = (await (await admin.get("/api/v1/users")).json()).items as { username: string; role: string }[];
  expect(users.find((u) => u.username === person!.username)).toMatchObject({ role: "supervisor" });
});

test("servers and sites are created, changed and removed over REST", async ({ playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  await signIn(admin, "admin", adminPassword());

  const created = await admin.post("/api/v1/servers", { data: { name: "RestServer", syncLevel: 1 } });
  expect(created.status()).toBe(201);
  expect((await admin.post("/api/v1/servers", { data: { name: "RestServer" } })).status()).toBe(409);
  expect((await admin.post("/api/v1/servers", { data: { name: "" } })).status()).toBe(400);
  const patched = await admin.patch("/api/v1/servers/RestServer", { data: { syncTimeoutMinutes: 60 } });
  expect(await patched.json()).toMatchObject({ name: "RestServer", syncLevel: 1, syncTimeoutMinutes: 60, instances: [] });
  const level3 = await admin.patch("/api/v1/servers/RestServer", { data: { syncLevel: 3 } });
  expect(level3.status()).toBe(400);
  expect((await level3.json()).error.details).toEqual([{ path: "syncLevel", message: "The level is 0, 1 or 2." }]);
  expect((await admin.get("/api/v1/servers/Nobody")).status()).toBe(404);
  expect((await admin.delete("/api/v1/servers/WFMServer")).status()).toBe(409); // running

  const zones = (await (await admin.get("/api/v1/time-zones")).json()).items as { name: string }[];
  const site = await admin.post("/api/v1/sites", { data: { name: "REST Site", timeZone: zones[0]!.name, server: "RestServer" } });
  expect(site.status()).toBe(201);
  const { id } = await site.json();
  // RestServer is registered but not running: the site says who would synchronize it, and why nobody does now.
  expect(await (await admin.get(`/api/v1/sites/${id}`)).json()).toMatchObject({
    name: "REST Site",
    server: "RestServer",
    agentCount: 0,
    synchronizedBy: { server: "RestServer", by: "assigned", warning: "RestServer is not running: nothing here is synchronized until it runs" },
  });
  // Assigning over REST says what it means for the site's agents, as the Sites page does.
  const toStopped = await admin.patch(`/api/v1/sites/${id}`, { data: { server: "RestServer" } });
  expect(await toStopped.json()).toMatchObject({ consequence: "REST Site's 0 agents stop synchronizing until RestServer runs." });
  const toDefault = await admin.patch(`/api/v1/sites/${id}`, { data: { server: null } });
  expect(await toDefault.json()).toMatchObject({ server: null, synchronizedBy: { server: "WFMServer", by: "default", warning: null }, consequence: null });
  expect((await admin.patch(`/api/v1/sites/${id}`, { data: { server: "RestServer" } })).status()).toBe(200);
  const duplicate = await admin.post("/api/v1/sites", { data: { name: "REST Site", timeZone: "Nowhere/Zone" } });
  expect(duplicate.status()).toBe(400);
  expect((await duplicate.json()).error.details).toEqual([
    { path: "name", message: "A site named REST Site exists already." },
    { path: "timeZone", message: "WFM has no time zone named Nowhere/Zone." },
  ]);

  // Removing the server leaves its site unassigned; then the site goes too.
  expect((await admin.delete("/api/v1/servers/RestServer")).status()).toBe(204);
  expect(await (await admin.get(`/api/v1/sites/${id}`)).json()).toMatchObject({ server: null });
  expect((await admin.delete(`/api/v1/sites/${id}`)).status()).toBe(204);
  expect((await admin.get(`/api/v1/sites/${id}`)).status()).toBe(404);
});

test("servers, agents and validation over REST name their configuration source; an unknown source is a 404 naming it", async ({ playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  await signIn(admin, "admin", adminPassword());
  const stamp = Date.now();
  const servers = (await (await admin.get("/api/v1/servers")).json()).items as { name: string; source: string }[];
  expect(servers.find((s) => s.name === "WFMServer")).toMatchObject({ source: "main" });

  const mars = 'There is no configuration source named "mars".';
  const agents = await admin.get("/api/v1/agents?source=mars");
  expect(agents.status()).toBe(404);
  expect((await agents.json()).error.message).toBe(mars);
  const mainAgents = (await (await admin.get("/api/v1/agents?source=main&limit=5")).json()).items as { source: string }[];
  expect(mainAgents.length).toBeGreaterThan(0);
  expect(new Set(mainAgents.map((a) => a.source))).toEqual(new Set(["main"]));

  const name = `Src-${stamp}`;
  const unknown = await admin.post("/api/v1/servers", { data: { name, source: "mars" } });
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.message).toBe(mars);
  const created = await admin.post("/api/v1/servers", { data: { name, syncLevel: 1 } });
  expect(created.status()).toBe(201);
  expect(await created.json()).toMatchObject({ name, source: "main" });
  const moved = await admin.patch(`/api/v1/servers/${name}`, { data: { source: "mars" } });
  expect(moved.status()).toBe(404);
  expect((await moved.json()).error.message).toBe(mars);
  expect((await admin.delete(`/api/v1/servers/${name}`)).status()).toBe(204);

  const validation = await (await admin.get("/api/v1/validation")).json();
  const billing = validation.duplicates.find((d: { name: string }) => d.name === "Billing");
  expect(billing.members.every((m: { source: string }) => m.source === "main")).toBe(true);
});
