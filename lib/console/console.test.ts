/**
 * The console's writes to sites and agents (SPEC §5) against a real PostgreSQL: two admins saving at once get
 * a field's message, never a database error; an agent's move and termination are one write or none.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { Database, Sql } from "../db/client";
import { DomainError } from "../errors";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { agentSearch, getAgent, searchAgents, updateAgent } from "./agents";
import { heartbeat, removeDeadInstances } from "../server/registration";
import { listServerStatus } from "./servers";
import { assignSites, createSite, updateSite } from "./sites";
import { FieldErrors } from "./form";
import { setRole } from "./users";
import { validationReport } from "./validation";

let database: Database;
let sql: Sql;
let b: Builder;

beforeAll(async () => {
  database = await freshDatabase();
  sql = database.sql;
  b = new Builder(sql);
  await sql`insert into wfm.time_zones (source, cfg_dbid, tenant_dbid, name, iana_name) values ('main', 1, 1, 'Eastern', 'America/New_York')`;
});

describe("sites", () => {
  it("two admins creating the same site at once: one is created, the other told the name is taken", async () => {
    for (let round = 0; round < 10; round++) {
      const names = [`Paris ${round}`, `paris ${round}`];
      const outcomes = await Promise.allSettled(names.map((name) => createSite(sql, { name, timeZone: "Eastern", switchDbid: null, server: null }, "admin")));
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
      const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(FieldErrors);
      expect(refused.reason).toMatchObject({ code: "CONFLICT", fields: { name: expect.stringMatching(/exists already/) } });
    }
  });

  it("an edit changes only the fields it names, and a rename onto another site's name is refused by the field", async () => {
    await b.server("Alpha", 1);
    const a = (await createSite(sql, { name: "Lyon", timeZone: "Eastern", switchDbid: null, server: null }, "admin")).id;
    await createSite(sql, { name: "Nice", timeZone: "Eastern", switchDbid: null, server: null }, "admin");
    await assignSites(sql, { siteIds: [a], server: "Alpha" }, "admin");
    await updateSite(sql, a, { name: "Lyon Part-Dieu" }, "admin");
    expect(await sql`select name, server from wfm.sites where id = ${a}`).toEqual([{ name: "Lyon Part-Dieu", server: "Alpha" }]);
    const taken = await updateSite(sql, a, { name: "NICE" }, "admin").then(() => null, (e: unknown) => e);
    expect(taken).toMatchObject({ code: "CONFLICT", fields: { name: "A site named NICE exists already." } });
    const unknown = await updateSite(sql, a, { server: "Nobody", name: "x" }, "admin").then(() => null, (e: unknown) => e);
    expect(unknown).toBeInstanceOf(FieldErrors);
    expect((unknown as FieldErrors).fields).toEqual({ server: "There is no WFM Server named 'Nobody'." });
  });

  it("refuses ids no site can have, and a NUL character in a name, as bad input", async () => {
    await expect(assignSites(sql, { siteIds: [3_000_000_000], server: null }, "admin")).rejects.toBeInstanceOf(ZodError);
    await expect(createSite(sql, { name: "a\u0000", timeZone: "Eastern", switchDbid: null, server: null }, "admin")).rejects.toMatchObject({ code: "BAD_INPUT" });
  });
});

describe("validation", () => {
  it("names sites whose switch left cfg or whose time zone left WFM", async () => {
    const t = await b.tenant();
    const sw = await b.switch(t, "SW-Going");
    const site = await b.site({ switchDbid: sw, name: "Going", timeZone: "Eastern" });
    const zoneless = await b.site({ name: "Zoneless", timeZone: "Nowhere" });
    await sql`delete from cfg.switches where dbid = ${sw}`;
    const { brokenSites } = await validationReport(sql);
    expect(brokenSites).toEqual(
      expect.arrayContaining([
        { id: site, name: "Going", missingSwitchSource: "main", missingSwitchDbid: sw, missingTimeZone: null },
        { id: zoneless, name: "Zoneless", missingSwitchSource: null, missingSwitchDbid: null, missingTimeZone: "Nowhere" },
      ]),
    );
    expect(brokenSites.map((s) => s.name)).not.toContain("Depot");
  });
});

describe("users", () => {
  it("keep an administrator who can sign in: the last one cannot be demoted, even with a password-less admin left", async () => {
    await sql`insert into wfm.users (username, first_name, last_name, role, password_hash) values ('boss', 'B', 'Oss', 'admin', 'x')`;
    await sql`insert into wfm.users (username, first_name, last_name, role) values ('nopass', 'No', 'Pass', 'admin')`;
    const [{ id }] = (await sql`select id from wfm.users where username = 'boss'`) as unknown as [{ id: number }];
    const refused = await setRole(sql, { userId: id, role: "viewer" }).then(() => null, (e: unknown) => e);
    expect(refused).toMatchObject({ code: "CONFLICT", details: [{ path: "role" }] });
    await sql`update wfm.users set password_hash = 'y' where username = 'nopass'`;
    await setRole(sql, { userId: id, role: "viewer" });
    expect(await sql`select role from wfm.users where id = ${id}`).toEqual([{ role: "viewer" }]);
  });
});

describe("servers", () => {
  it("show what keeps an instance from working, as its heartbeat reported it", async () => {
    await b.server("Stuck", 2);
    const instance = randomUUID();
    await heartbeat(sql, instance, "Stuck", "primary", 4321, null, "real-time sync cannot apply the next batch: boom");
    const [stuck] = (await listServerStatus(sql)).filter((s) => s.name === "Stuck");
    expect(stuck!.instances).toMatchObject([{ id: instance, role: "primary", port: 4321, problem: "real-time sync cannot apply the next batch: boom" }]);
    await heartbeat(sql, instance, "Stuck", "primary", 4321, null, null);
    expect((await listServerStatus(sql)).find((s) => s.name === "Stuck")!.instances[0]!.problem).toBeNull();
  });

  it("lose an instance that stopped heartbeating, whichever server's heartbeat notices it", async () => {
    await b.server("Gone", 1);
    const dead = randomUUID();
    await heartbeat(sql, dead, "Gone", "primary", 1111);
    await sql`update wfm.server_instances set heartbeat_at = now() - interval '1 minute' where id = ${dead}`;
    expect(await removeDeadInstances(sql)).toEqual(expect.arrayContaining([{ server: "Gone", id: dead, runs: [], requests: 0 }]));
    expect((await listServerStatus(sql)).find((s) => s.name === "Gone")!.instances).toEqual([]);
  });
});

describe("agents", () => {
  it("a move and a termination in one PATCH are written together or not at all", async () => {
    const t = await b.tenant();
    const dbid = await b.person(t);
    await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name) values ('main', ${dbid}, ${t}, 'mover', 'Mo', 'Ver')`;
    const [{ id }] = (await sql`select id from wfm.agents where cfg_dbid = ${dbid}`) as unknown as [{ id: number }];
    const site = (await createSite(sql, { name: "Depot", timeZone: "Eastern", switchDbid: null, server: null }, "admin")).id;

    await expect(updateAgent(sql, id, { siteId: site, terminationDate: "0000-01-01" }, "admin")).rejects.toBeInstanceOf(ZodError);
    expect((await getAgent(sql, id)).site).toBeNull();
    const both = await updateAgent(sql, id, { siteId: site, terminationDate: "2031-02-03" }, "admin");
    expect(both).toMatchObject({ site: { id: site, name: "Depot" }, terminationDate: "2031-02-03", terminationSource: "manual", changed: true });
    expect(await updateAgent(sql, id, { siteId: site, terminationDate: "2031-02-03" }, "admin")).toMatchObject({ changed: false });
    const missing = await updateAgent(sql, id, { siteId: 999_999, terminationDate: null }, "admin").then(() => null, (e: unknown) => e);
    expect(missing).toBeInstanceOf(DomainError);
    expect(missing).toMatchObject({ code: "NOT_FOUND", details: [{ path: "siteId" }] });
    expect(await getAgent(sql, id)).toMatchObject({ site: { id: site }, terminationDate: "2031-02-03" });
  });

  it("pages forward by `cursor` and back by `before`, with the same filters", async () => {
    const t = await b.tenant();
    for (let i = 0; i < 5; i++) {
      await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name) values ('main', ${500_000 + i}, ${t}, ${`pager${i}`}, 'Page', 'Er')`;
    }
    const search = (extra: Record<string, string>) => searchAgents(sql, agentSearch.parse({ q: "pager", limit: 2, ...extra }));
    const first = await search({});
    const second = await search({ cursor: first.next! });
    expect(second.items.map((a) => a.username)).toEqual(["pager2", "pager3"]);
    const back = await search({ before: String(second.items[0]!.id) });
    expect(back.items.map((a) => a.username)).toEqual(["pager0", "pager1"]);
    expect(back.next).toBe(first.next);
    expect((await search({ before: String(first.items[0]!.id) })).items).toEqual([]);
  });

  it("an agent terminated because its person left cfg is not reinstated by hand", async () => {
    const t = await b.tenant();
    await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name, termination_date, termination_source)
              values ('main', 987654, ${t}, 'gone', 'Gone', 'Person', '2026-01-02', 'config')`;
    const [{ id }] = (await sql`select id from wfm.agents where cfg_dbid = 987654`) as unknown as [{ id: number }];
    const refused = await updateAgent(sql, id, { terminationDate: null }, "admin").then(() => null, (e: unknown) => e);
    expect(refused).toMatchObject({ code: "CONFLICT", details: [{ path: "terminationDate" }] });
    expect(await getAgent(sql, id)).toMatchObject({ terminationDate: "2026-01-02", terminationSource: "config", awaitingFullSync: false });
  });
});
