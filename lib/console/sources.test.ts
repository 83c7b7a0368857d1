/**
 * The console and the API with two configuration sources (SPEC §2.9, §6.1 "with sources"), against a real
 * PostgreSQL: main (cfg) and eu (cfg_eu, made by createSource). Their dbids coincide on purpose, so a query that
 * forgets the source answers the wrong object.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createSource } from "../config/sources";
import type { Database, Sql } from "../db/client";
import { runFullSync } from "../sync/engine";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { agentSearch, agentServer, getAgent, searchAgents, updateAgent } from "./agents";
import { FieldErrors } from "./form";
import { getSite, listSites, listUsers } from "./overview";
import { agentEvents, listRuns, runEvents, eventFilter, runFilter } from "./runs";
import { createServer, listServerStatus, updateServerOptions } from "./servers";
import { assignSites, createSite, updateSite } from "./sites";
import { listFreeSwitches } from "./switches";
import { importCandidates, importUsers } from "./users";
import { validationReport } from "./validation";

let database: Database;
let sql: Sql;
let main: Builder;
let eu: Builder;
/** A switch of each source with the same dbid, and each one's tenant. */
let mainSwitch: number;
let euSwitch: number;
let euTenant: number;

beforeAll(async () => {
  database = await freshDatabase();
  sql = database.sql;
  await createSource(sql, { name: "eu", kind: "local" });
  main = new Builder(sql);
  eu = new Builder(sql, "eu");
  const mainTenant = await main.tenant();
  euTenant = await eu.tenant();
  mainSwitch = await main.switch(mainTenant, "SW-Main");
  euSwitch = await eu.switch(euTenant, "SW-Eu");
  await sql`insert into wfm.time_zones (source, cfg_dbid, tenant_dbid, name, iana_name) values ('main', 1, 1, 'Eastern', 'America/New_York')`;
  await main.server("MainServer", 2);
  await eu.server("EuServer", 2);
});

/** An agent of a source, written as sync writes it, with one skill level (the skill by its WFM id). */
async function agentOf(source: string, cfgDbid: number, username: string, skill?: { id: number; level: number }) {
  const [{ id }] = (await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name)
                              values (${source}, ${cfgDbid}, 1, ${username}, 'Src', ${source}) returning id`) as unknown as [{ id: number }];
  if (skill) await sql`insert into wfm.agent_skills (agent_id, skill_id, level) values (${id}, ${skill.id}, ${skill.level})`;
  return id;
}

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as FieldErrors);

describe("agents", () => {
  it("are filtered by source, cfgDbid within it, and show their source and their skills by WFM id", async () => {
    // Two skills with the same cfg dbid in two sources: the agent's level names the eu one by its WFM id.
    const [{ id: mainSkill }] = (await sql`insert into wfm.skills (source, cfg_dbid, tenant_dbid, name) values ('main', 4242, 1, 'Main skill') returning id`) as unknown as [{ id: number }];
    const [{ id: euSkill }] = (await sql`insert into wfm.skills (source, cfg_dbid, tenant_dbid, name) values ('eu', 4242, 1, 'Eu skill') returning id`) as unknown as [{ id: number }];
    expect(euSkill).not.toBe(mainSkill);
    const inMain = await agentOf("main", 77, "same.main", { id: mainSkill, level: 3 });
    const inEu = await agentOf("eu", 77, "same.eu", { id: euSkill, level: 8 });

    expect(await getAgent(sql, inEu)).toMatchObject({ source: "eu", cfgDbid: 77, skills: [{ name: "Eu skill", level: 8 }] });
    expect(await getAgent(sql, inMain)).toMatchObject({ source: "main", cfgDbid: 77, skills: [{ name: "Main skill", level: 3 }] });
    const ids = async (query: Record<string, string>) => (await searchAgents(sql, agentSearch.parse(query))).items.map((a) => a.id);
    expect(await ids({ cfgDbid: "77" })).toEqual([inMain, inEu]);
    expect(await ids({ cfgDbid: "77", source: "eu" })).toEqual([inEu]);
    expect(await ids({ source: "main", q: "same." })).toEqual([inMain]);
  });

  it("refuses an unknown source as a 404 naming it, and a malformed one as bad input", async () => {
    await expect(searchAgents(sql, agentSearch.parse({ source: "mars" }))).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: 'There is no configuration source named "mars".',
    });
    expect(agentSearch.safeParse({ source: "Not A Name" }).success).toBe(false);
  });

  it("are synchronized by the level-2 server of their own source when their site is not assigned", async () => {
    const agent = await getAgent(sql, await agentOf("eu", 78, "owner.eu"));
    expect((await agentServer(sql, agent)).server).toBe("EuServer");
  });

  it("in a site assigned to a server of another source are synchronized by no server (that server syncs its own source)", async () => {
    const site = await eu.site({ switchDbid: await eu.switch(euTenant, "SW-Foreign"), name: "Foreign", server: "EuServer", timeZone: "Eastern" });
    const id = await agentOf("main", 79, "moved.main");
    await sql`update wfm.agents set site_id = ${site} where id = ${id}`;
    expect((await agentServer(sql, await getAgent(sql, id))).server).toBeNull();
    const own = await agentOf("eu", 80, "home.eu");
    await sql`update wfm.agents set site_id = ${site} where id = ${own}`;
    expect((await agentServer(sql, await getAgent(sql, own))).server).toBe("EuServer");
  });

  it("cannot be moved into a site whose switch or server is of another source (409 naming both), and can into one of their own", async () => {
    const id = await agentOf("main", 81, "mover.main");
    const euSwitchSite = await eu.site({ switchDbid: await eu.switch(euTenant, "SW-Eu-Move"), name: "Eu Move" });
    const euServedSite = await eu.site({ name: "Eu Served", server: "EuServer" });
    await expect(updateAgent(sql, id, { siteId: euSwitchSite }, "admin")).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Site Eu Move's switch is in source eu; agent mover.main is in source main.",
      details: [{ path: "siteId" }],
    });
    await expect(updateAgent(sql, id, { siteId: euServedSite }, "admin")).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Site Eu Served is assigned to server EuServer, which syncs eu; agent mover.main is in source main.",
    });
    expect((await getAgent(sql, id)).site).toBeNull();
    // A site without a switch or server takes anyone; a site of the agent's own source, its agents.
    const free = await eu.site({ name: "Free For All" });
    expect(await updateAgent(sql, id, { siteId: free }, "admin")).toMatchObject({ site: { id: free }, changed: true });
    const own = await agentOf("eu", 81, "mover.eu");
    expect(await updateAgent(sql, own, { siteId: euServedSite }, "admin")).toMatchObject({ site: { id: euServedSite }, changed: true });
    expect(await updateAgent(sql, own, { siteId: euSwitchSite }, "admin")).toMatchObject({ site: { id: euSwitchSite }, changed: true });
  });
});

describe("servers", () => {
  it("show their source and are registered in one (main by default); an unknown one is a 404 naming it", async () => {
    await createServer(sql, { name: "NewEu", syncLevel: 1, source: "eu" }, "admin");
    await createServer(sql, { name: "NewMain", syncLevel: 1 }, "admin");
    const servers = await listServerStatus(sql);
    expect(servers.find((s) => s.name === "NewEu")).toMatchObject({ source: "eu", cursorLag: expect.any(Number) });
    expect(servers.find((s) => s.name === "NewMain")).toMatchObject({ source: "main" });
    const unknown = await refusal(createServer(sql, { name: "Nowhere", source: "mars" }, "admin"));
    expect(unknown).toMatchObject({ code: "NOT_FOUND", fields: { source: 'There is no configuration source named "mars".' } });
    const moving = await refusal(updateServerOptions(sql, "NewMain", { syncLevel: 1, syncTimeoutMinutes: 0, cacheSlackSeconds: null, source: "mars" }, "admin"));
    expect(moving).toMatchObject({ code: "NOT_FOUND" });
  });

  it("measure their cursor lag in their own source's change feed", async () => {
    const before = (await listServerStatus(sql)).find((s) => s.name === "NewEu")!.cursorLag;
    const mainBefore = (await listServerStatus(sql)).find((s) => s.name === "NewMain")!.cursorLag;
    await eu.tenant();
    const after = await listServerStatus(sql);
    expect(after.find((s) => s.name === "NewEu")!.cursorLag).toBe(before + 1);
    expect(after.find((s) => s.name === "NewMain")!.cursorLag).toBe(mainBefore);
  });

  it("cannot leave their source while sites of it are assigned to them (409 naming the sites), and can once they are unassigned", async () => {
    await createServer(sql, { name: "Mover", syncLevel: 1, source: "eu" }, "admin");
    const tenant = await eu.tenant();
    const site = await eu.site({ switchDbid: await eu.switch(tenant, "SW-Mover"), name: "Mover Site", server: "Mover", timeZone: "Eastern" });
    const options = { syncLevel: 1, syncTimeoutMinutes: 0, cacheSlackSeconds: null, source: "main" };
    const refused = await refusal(updateServerOptions(sql, "Mover", options, "admin"));
    expect(refused).toMatchObject({
      code: "CONFLICT",
      fields: { source: "Mover synchronizes the sites Mover Site, whose switches are in source eu: unassign them first." },
    });
    expect((await listServerStatus(sql)).find((s) => s.name === "Mover")!.source).toBe("eu");
    await assignSites(sql, { siteIds: [site], server: null }, "admin");
    await updateServerOptions(sql, "Mover", options, "admin");
    expect((await listServerStatus(sql)).find((s) => s.name === "Mover")!.source).toBe("main");
  });

  it("cannot leave their source while a site of theirs without a switch holds agents of it (409 naming the site)", async () => {
    await createServer(sql, { name: "Switchless", syncLevel: 1, source: "eu" }, "admin");
    const site = await eu.site({ name: "No Switch Site", server: "Switchless" });
    const options = { syncLevel: 1, syncTimeoutMinutes: 0, cacheSlackSeconds: null, source: "main" };
    const agent = await agentOf("eu", 82, "switchless.eu");
    await updateAgent(sql, agent, { siteId: site }, "admin");
    const refused = await refusal(updateServerOptions(sql, "Switchless", options, "admin"));
    expect(refused).toMatchObject({
      code: "CONFLICT",
      fields: { source: "Switchless synchronizes the sites No Switch Site, which have no switch but hold agents of source eu: unassign them first." },
    });
    expect((await listServerStatus(sql)).find((s) => s.name === "Switchless")!.source).toBe("eu");
    await updateAgent(sql, agent, { siteId: null }, "admin");
    await updateServerOptions(sql, "Switchless", options, "admin");
    expect((await listServerStatus(sql)).find((s) => s.name === "Switchless")!.source).toBe("main");
  });
});

describe("sites without a switch", () => {
  it("cannot be assigned to a server of another source than the agents they hold (409 naming both), by assignment or edit", async () => {
    const site = await main.site({ name: "Remote Desk" });
    const agent = await agentOf("eu", 91, "remote.eu");
    await updateAgent(sql, agent, { siteId: site }, "admin");
    const message = "Site Remote Desk holds 1 agent of source eu; server MainServer syncs main.";
    await expect(assignSites(sql, { siteIds: [site], server: "MainServer" }, "admin")).rejects.toMatchObject({ code: "CONFLICT", message });
    expect(await refusal(updateSite(sql, site, { server: "MainServer" }, "admin"))).toMatchObject({ fields: { server: message } });
    // The server of the agents' own source may have it.
    await assignSites(sql, { siteIds: [site], server: "EuServer" }, "admin");
    await updateAgent(sql, agent, { siteId: null }, "admin");
  });
});

describe("sites", () => {
  it("take a switch of a source, show it with its source and name, and are synchronized by that source's level-2 server", async () => {
    const { id } = await createSite(sql, { name: "Paris", timeZone: "Eastern", switchSource: "eu", switchDbid: euSwitch, server: null }, "admin");
    expect(await getSite(sql, id)).toMatchObject({
      switchSource: "eu",
      switchDbid: euSwitch,
      switchName: "SW-Eu",
      synchronizedBy: { server: "EuServer", by: "default" },
    });
    // A switch dbid alone is a switch of main, even when eu has one of that dbid too.
    const { id: plain } = await createSite(sql, { name: "Boston", timeZone: "Eastern", switchDbid: mainSwitch, server: null }, "admin");
    expect(await getSite(sql, plain)).toMatchObject({ switchSource: "main", switchName: "SW-Main", synchronizedBy: { server: "MainServer" } });
    expect((await listSites(sql)).filter((s) => s.switchSource !== null).length).toBeGreaterThanOrEqual(2);
  });

  it("refuse a switch their source does not have and a source that does not exist (404 naming them, as the config API does)", async () => {
    const missing = await refusal(createSite(sql, { name: "Nowhere", timeZone: "Eastern", switchSource: "eu", switchDbid: 999_999, server: null }, "admin"));
    expect(missing).toMatchObject({ code: "NOT_FOUND", fields: { switchDbid: "There is no switch with dbid 999999 in source eu." } });
    const unknown = await refusal(createSite(sql, { name: "Nowhere", timeZone: "Eastern", switchSource: "mars", switchDbid: 1, server: null }, "admin"));
    expect(unknown).toMatchObject({ code: "NOT_FOUND", fields: { switchSource: 'There is no configuration source named "mars".' } });
  });

  it("refuse a server of another source than their switch's, on creation, edit and assignment (409 naming both)", async () => {
    const tenant = await eu.tenant();
    const sw = await eu.switch(tenant, "SW-Lyon");
    const message = "Site Lyon's switch is in source eu; server MainServer syncs main.";
    const created = await refusal(createSite(sql, { name: "Lyon", timeZone: "Eastern", switchSource: "eu", switchDbid: sw, server: "MainServer" }, "admin"));
    expect(created).toMatchObject({ code: "CONFLICT", fields: { server: message } });
    const { id } = await createSite(sql, { name: "Lyon", timeZone: "Eastern", switchSource: "eu", switchDbid: sw, server: "EuServer" }, "admin");
    expect(await refusal(updateSite(sql, id, { server: "MainServer" }, "admin"))).toMatchObject({ code: "CONFLICT", fields: { server: message } });
    await expect(assignSites(sql, { siteIds: [id], server: "MainServer" }, "admin")).rejects.toMatchObject({ code: "CONFLICT", message });
    expect((await getSite(sql, id)).server).toBe("EuServer");
    // Moving the site's switch to main while it is assigned to EuServer is the same mismatch, said the other way.
    const mainTenant = await main.tenant();
    const mainSw = await main.switch(mainTenant, "SW-Lyon-Main");
    expect(await refusal(updateSite(sql, id, { switchSource: "main", switchDbid: mainSw }, "admin"))).toMatchObject({
      code: "CONFLICT",
      fields: { server: "Site Lyon's switch is in source main; server EuServer syncs eu." },
    });
  });

  it("keep their switch's source when a PATCH gives a new switch dbid alone (main only for a site that had no switch)", async () => {
    const tenant = await eu.tenant();
    const first = await eu.switch(tenant, "SW-Keep-1");
    const second = await eu.switch(tenant, "SW-Keep-2");
    const { id } = await createSite(sql, { name: "Keeps Eu", timeZone: "Eastern", switchSource: "eu", switchDbid: first, server: null }, "admin");
    await updateSite(sql, id, { switchDbid: second }, "admin");
    expect(await getSite(sql, id)).toMatchObject({ switchSource: "eu", switchDbid: second, switchName: "SW-Keep-2" });
    const mainTenant = await main.tenant();
    const mainOne = await main.switch(mainTenant, "SW-Keep-Main");
    const { id: bare } = await createSite(sql, { name: "Had None", timeZone: "Eastern", switchDbid: null, server: null }, "admin");
    await updateSite(sql, bare, { switchDbid: mainOne }, "admin");
    expect(await getSite(sql, bare)).toMatchObject({ switchSource: "main", switchDbid: mainOne });
  });

  it("offer the free switches of every source, main first, each with its source", async () => {
    const spare = await eu.switch(euTenant, "SW-Spare");
    const free = await listFreeSwitches(sql);
    expect(free).toContainEqual({ source: "eu", dbid: spare, name: "SW-Spare" });
    const sources = free.map((s) => s.source);
    expect(sources).toContain("eu");
    expect(sources.indexOf("eu")).toBeGreaterThan(sources.lastIndexOf("main"));
    expect(free.some((s) => s.source === "eu" && s.dbid === euSwitch)).toBe(false); // Paris has it
  });
});

describe("validation", () => {
  it("looks a site's switch up in the site's own source", async () => {
    const tenant = await eu.tenant();
    const sw = await eu.switch(tenant, "SW-Gone-Eu");
    const site = await eu.site({ switchDbid: sw, name: "Gone Eu", timeZone: "Eastern" });
    // main has a switch of that dbid or not: it does not matter, the site's switch was eu's.
    await sql`delete from cfg_eu.switches where dbid = ${sw}`;
    const { brokenSites } = await validationReport(sql);
    expect(brokenSites).toContainEqual({ id: site, name: "Gone Eu", missingSwitchSource: "eu", missingSwitchDbid: sw, missingTimeZone: null });
    expect(brokenSites.map((s) => s.name)).not.toContain("Paris");
  });

  it("lists a name used in two sources with each member's source", async () => {
    const mainTenant = await main.tenant();
    const [a, b] = [await main.skill(mainTenant, "Shared Skill"), await eu.skill(euTenant, "Shared Skill")];
    const { collisions } = await validationReport(sql);
    expect(collisions.find((c) => c.name === "Shared Skill")?.members).toEqual([
      expect.objectContaining({ source: "main", tenantDbid: mainTenant, dbid: a }),
      expect.objectContaining({ source: "eu", tenantDbid: euTenant, dbid: b }),
    ]);
  });
});

describe("users", () => {
  it("are imported from a chosen source by (source, dbid), and say their source", async () => {
    const person = await eu.person(euTenant, { username: "eu.supervisor", isAgent: false });
    expect((await importCandidates(sql, "eu", "eu.super")).map((p) => p.dbid)).toEqual([person]);
    expect(await importCandidates(sql, "main", "eu.super")).toEqual([]);
    expect(await importUsers(sql, { source: "eu", cfgDbids: [person], role: "viewer" })).toEqual({ imported: ["eu.supervisor"], already: 0 });
    expect((await listUsers(sql)).find((u) => u.username === "eu.supervisor")).toMatchObject({ fromCfg: true, source: "eu" });
    // The same dbid again: already a user of eu. Unknown in main: refused, naming main.
    expect(await importUsers(sql, { source: "eu", cfgDbids: [person], role: "viewer" })).toEqual({ imported: [], already: 1 });
    await expect(importUsers(sql, { source: "mars", cfgDbids: [person], role: "viewer" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(importCandidates(sql, "mars", undefined)).rejects.toMatchObject({ code: "NOT_FOUND", message: 'There is no configuration source named "mars".' });
  });
});

describe("runs", () => {
  it("show their source, filter by it, and name their log's objects in it", async () => {
    const tenant = await eu.tenant();
    const dbid = await eu.person(tenant, { username: "eu.logged", firstName: "Eu", lastName: "Logged" });
    const { runId } = await runFullSync(sql, { server: "EuServer", trigger: "manual" });
    const run = (await listRuns(sql, runFilter.parse({ source: "eu" }))).items.find((r) => r.id === runId);
    expect(run).toMatchObject({ server: "EuServer", source: "eu" });
    expect((await listRuns(sql, runFilter.parse({ source: "main" }))).items.map((r) => r.id)).not.toContain(runId);
    const lines = (await runEvents(sql, runId, eventFilter.parse({ q: String(dbid) }))).items.filter((e) => e.objectType === "agent");
    expect(lines[0]).toMatchObject({ objectKey: String(dbid), objectName: "Eu Logged (eu.logged)" });
    const [agent] = await sql<{ id: number }[]>`select id from wfm.agents where source = 'eu' and cfg_dbid = ${dbid}`;
    expect((await agentEvents(sql, { source: "eu", cfgDbid: dbid })).map((e) => e.runId)).toContain(runId);
    // A main agent of the same dbid has none of eu's lines.
    expect((await agentEvents(sql, { source: "main", cfgDbid: dbid })).map((e) => e.runId)).not.toContain(runId);
    expect((await listRuns(sql, runFilter.parse({ agentId: String(agent!.id) }))).items.map((r) => r.id)).toEqual([runId]);
  });

  it("refuse a source filter that is not a source's name (400) or names no source (404 naming it)", async () => {
    expect(runFilter.safeParse({ source: "Not A Name" }).success).toBe(false);
    await expect(listRuns(sql, runFilter.parse({ source: "mars" }))).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: 'There is no configuration source named "mars".',
    });
  });
});
