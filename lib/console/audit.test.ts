/**
 * The audit trail against a real PostgreSQL: each manual act records who did what in its own transaction —
 * a line exists exactly when the act committed — and the trail reads back newest first, filtered and paged.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { Database, Sql } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { updateAgent } from "./agents";
import { auditFilter, describeAuditDetail, listAudit, type AuditFilter } from "./audit";
import { createServer, deleteServer, updateServerOptions } from "./servers";
import { assignSites, createSite, deleteSite, updateSite } from "./sites";

let database: Database;
let sql: Sql;
let b: Builder;
let tenant: number;

beforeAll(async () => {
  database = await freshDatabase();
  sql = database.sql;
  b = new Builder(sql);
  tenant = await b.tenant();
  await sql`insert into wfm.time_zones (source, cfg_dbid, tenant_dbid, name, iana_name) values ('main', 1, 1, 'Eastern', 'America/New_York')`;
});

const audit = (filter: Partial<Record<keyof AuditFilter, string>>) => listAudit(sql, auditFilter.parse(filter));
const history = async (objectType: string, objectKey: string | number) =>
  (await audit({ objectType, objectKey: String(objectKey), limit: "500" })).items.map(({ at: _, ...line }) => line);

async function newAgent(username: string): Promise<number> {
  const dbid = await b.person(tenant, { username });
  const [{ id }] = (await sql`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name)
                             values ('main', ${dbid}, ${tenant}, ${username}, 'Audit', 'Ed') returning id`) as unknown as [{ id: number }];
  return id;
}

describe("recording", () => {
  it("terminating, changing the date, reinstating and moving an agent each say who, what and from what", async () => {
    const id = await newAgent("audited");
    const site = (await createSite(sql, { name: "Quay", timeZone: "Eastern", switchDbid: null, server: null }, "admin")).id;
    await updateAgent(sql, id, { terminationDate: "2031-02-03" }, "sup1");
    await updateAgent(sql, id, { terminationDate: "2031-02-03" }, "sup1"); // nothing changes: nothing recorded
    await updateAgent(sql, id, { terminationDate: "2031-03-01" }, "sup2");
    await updateAgent(sql, id, { terminationDate: null }, "sup1");
    await updateAgent(sql, id, { siteId: site }, "admin");
    await updateAgent(sql, id, { siteId: null }, "admin");
    const key = String(id);
    expect(await history("agent", id)).toEqual([
      { user: "admin", action: "moved", objectType: "agent", objectKey: key, detail: { site: { from: { id: site, name: "Quay" }, to: null } } },
      { user: "admin", action: "moved", objectType: "agent", objectKey: key, detail: { site: { from: null, to: { id: site, name: "Quay" } } } },
      { user: "sup1", action: "reinstated", objectType: "agent", objectKey: key, detail: { terminationDate: { from: "2031-03-01", to: null } } },
      { user: "sup2", action: "terminated", objectType: "agent", objectKey: key, detail: { terminationDate: { from: "2031-02-03", to: "2031-03-01" } } },
      { user: "sup1", action: "terminated", objectType: "agent", objectKey: key, detail: { terminationDate: { from: null, to: "2031-02-03" } } },
    ]);
  });

  it("an act that is refused records nothing", async () => {
    const id = await newAgent("refused");
    await expect(updateAgent(sql, id, { terminationDate: "2031-02-03", siteId: 999_999 }, "admin")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(updateSite(sql, 999_999, { name: "Nowhere" }, "admin")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deleteServer(sql, "Nobody", "admin")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await history("agent", id)).toEqual([]);
    expect(await history("site", 999_999)).toEqual([]);
    expect(await history("server", "Nobody")).toEqual([]);
  });

  it("an act whose commit fails leaves no line, and a line that cannot be written undoes the act", async () => {
    const id = await newAgent("atomic");
    // A fault at commit, after the act and its line were both written: a deferred constraint trigger.
    await sql.unsafe(`
      create function pg_temp_fail() returns trigger language plpgsql as $$ begin raise exception 'commit refused'; end $$;
      create constraint trigger fail_at_commit after update on wfm.agents deferrable initially deferred
        for each row when (new.username = 'atomic') execute function pg_temp_fail();`);
    try {
      await expect(updateAgent(sql, id, { terminationDate: "2031-02-03" }, "admin")).rejects.toThrow("commit refused");
    } finally {
      await sql.unsafe(`drop trigger fail_at_commit on wfm.agents`);
    }
    expect(await history("agent", id)).toEqual([]);
    expect(await sql`select termination_date from wfm.agents where id = ${id}`).toEqual([{ termination_date: null }]);

    // The reverse: the trail refuses the line, and the act is undone with it.
    await sql.unsafe(`create trigger fail_audit before insert on wfm.audit_events for each row execute function pg_temp_fail()`);
    try {
      await expect(updateAgent(sql, id, { terminationDate: "2031-02-03" }, "admin")).rejects.toThrow("commit refused");
      await expect(createSite(sql, { name: "Unrecorded", timeZone: "Eastern", switchDbid: null, server: null }, "admin")).rejects.toThrow("commit refused");
    } finally {
      await sql.unsafe(`drop trigger fail_audit on wfm.audit_events; drop function pg_temp_fail()`);
    }
    expect(await sql`select termination_date from wfm.agents where id = ${id}`).toEqual([{ termination_date: null }]);
    expect(await sql`select 1 from wfm.sites where name = 'Unrecorded'`).toEqual([]);
  });

  it("a site's creation, edit, assignment and deletion are recorded, an assignment apart from the other fields", async () => {
    await b.server("East", 1);
    const site = (await createSite(sql, { name: "Harbor", timeZone: "Eastern", switchDbid: null, server: null }, "admin")).id;
    await updateSite(sql, site, { name: "Harbour", server: "East" }, "admin");
    await updateSite(sql, site, { name: "Harbour" }, "admin"); // unchanged: nothing recorded
    await assignSites(sql, { siteIds: [site], server: null }, "ops");
    const moved = await newAgent("harbourer");
    await updateAgent(sql, moved, { siteId: site }, "admin");
    await deleteSite(sql, site, "admin");
    expect(await history("site", site)).toEqual([
      { user: "admin", action: "deleted", objectType: "site", objectKey: String(site), detail: { name: { from: "Harbour", to: null }, timeZone: { from: "Eastern", to: null } } },
      { user: "ops", action: "assigned", objectType: "site", objectKey: String(site), detail: { server: { from: "East", to: null } } },
      { user: "admin", action: "updated", objectType: "site", objectKey: String(site), detail: { name: { from: "Harbor", to: "Harbour" } } },
      { user: "admin", action: "assigned", objectType: "site", objectKey: String(site), detail: { server: { from: null, to: "East" } } },
      {
        user: "admin",
        action: "created",
        objectType: "site",
        objectKey: String(site),
        detail: { name: { from: null, to: "Harbor" }, timeZone: { from: null, to: "Eastern" }, switchSource: { from: null, to: null }, switchDbid: { from: null, to: null }, server: { from: null, to: null } },
      },
    ]);
    // Its agents lost their site with it, and their own history says so.
    expect((await history("agent", moved))[0]).toMatchObject({ action: "moved", detail: { site: { from: { id: site, name: "Harbour" }, to: null } } });
  });

  it("assigning many sites at once records one line per site whose server changed", async () => {
    await b.server("Bulk", 1);
    const [a, c] = [await b.site({ name: "Bulk A" }), await b.site({ name: "Bulk C", server: "Bulk" })];
    await assignSites(sql, { siteIds: [a, c], server: "Bulk" }, "admin");
    expect(await history("site", a)).toMatchObject([{ action: "assigned", detail: { server: { from: null, to: "Bulk" } } }]);
    expect(await history("site", c)).toEqual([]);
  });

  it("a server's registration, option changes and deletion are recorded, and its sites' loss of it", async () => {
    await createServer(sql, { name: "Audited", syncLevel: 1 }, "admin");
    await updateServerOptions(sql, "Audited", { syncLevel: 1, syncTimeoutMinutes: 60, cacheSlackSeconds: null }, "admin");
    await updateServerOptions(sql, "Audited", { syncLevel: 1, syncTimeoutMinutes: 60, cacheSlackSeconds: null }, "admin"); // the same: nothing
    const site = await b.site({ name: "Served", server: "Audited" });
    await deleteServer(sql, "Audited", "root");
    expect(await history("server", "Audited")).toEqual([
      { user: "root", action: "deleted", objectType: "server", objectKey: "Audited", detail: { source: { from: "main", to: null }, syncLevel: { from: 1, to: null }, syncTimeoutMinutes: { from: 60, to: null }, webEvents: { from: false, to: null } } },
      { user: "admin", action: "updated", objectType: "server", objectKey: "Audited", detail: { syncTimeoutMinutes: { from: 0, to: 60 } } },
      {
        user: "admin",
        action: "created",
        objectType: "server",
        objectKey: "Audited",
        detail: { source: { from: null, to: "main" }, syncLevel: { from: null, to: 1 }, syncTimeoutMinutes: { from: null, to: 0 }, cacheSlackSeconds: { from: null, to: null }, webEvents: { from: null, to: false } },
      },
    ]);
    expect(await history("site", site)).toMatchObject([{ user: "root", action: "assigned", detail: { server: { from: "Audited", to: null } } }]);
  });
});

describe("reading", () => {
  it("filters by user whatever its case, object, action and time, newest first, and pages by cursor", async () => {
    const id = await newAgent("paged");
    for (const [i, by] of ["Alice", "bob", "alice"].entries()) await updateAgent(sql, id, { terminationDate: `2032-01-0${i + 1}` }, by);
    const [{ now }] = (await sql`select now() as now`) as unknown as [{ now: Date }];
    const mine = { objectType: "agent", objectKey: String(id) };

    const alice = await audit({ ...mine, user: "ALICE" });
    expect(alice.items.map((l) => l.detail.terminationDate!.to)).toEqual(["2032-01-03", "2032-01-01"]);
    expect((await audit({ ...mine, action: "reinstated" })).items).toEqual([]);

    const first = await audit({ ...mine, limit: "2" });
    expect(first.items.map((l) => l.user)).toEqual(["alice", "bob"]);
    const second = await audit({ ...mine, limit: "2", cursor: first.next! });
    expect(second).toMatchObject({ items: [{ user: "Alice" }], next: null });

    const later = new Date(now.getTime() + 60_000).toISOString();
    expect((await audit({ ...mine, from: later })).items).toEqual([]);
    expect((await audit({ ...mine, to: later })).items).toHaveLength(3);
    expect((await audit({ ...mine, from: "2000-01-01T00:00:00+02:00", to: later })).items).toHaveLength(3);
  });

  it("refuses a filter it cannot answer, naming the field", () => {
    const problems = (filter: Record<string, string>) => {
      const result = auditFilter.strict().safeParse(filter);
      return result.success ? [] : result.error.issues.map((i) => i.path.join("."));
    };
    expect(problems({ objectType: "user" })).toEqual(["objectType"]);
    expect(problems({ objectKey: "7" })).toEqual(["objectKey"]);
    expect(problems({ from: "2026-12-02T09:00:00" })).toEqual(["from"]);
    expect(problems({ from: "2026-12-02T10:00:00Z", to: "2026-12-02T09:00:00Z" })).toEqual(["to"]);
    expect(problems({ cursor: "x" })).toEqual(["cursor"]);
    expect(problems({ limit: "501" })).toEqual(["limit"]);
    expect(problems({ who: "admin" })).toEqual([""]);
    expect(() => auditFilter.parse({ action: "renamed" })).toThrow(ZodError);
  });

  it("says a line's detail in words", () => {
    expect(describeAuditDetail("terminated", { terminationDate: { from: null, to: "2031-02-03" } })).toBe("termination date: none → 2031-02-03");
    expect(describeAuditDetail("moved", { site: { from: { id: 1, name: "Lyon" }, to: null } })).toBe("site: Lyon → none");
    expect(describeAuditDetail("updated", { cacheSlackSeconds: { from: null, to: 60 }, webEvents: { from: false, to: true } })).toBe(
      "CacheSlack (seconds): default → 60; web events: off → on",
    );
    expect(describeAuditDetail("created", { server: { from: null, to: null }, name: { from: null, to: "Quay" } })).toBe("name Quay; WFM Server none");
    expect(describeAuditDetail("deleted", { name: { from: "Quay", to: null } })).toBe("name was Quay");
  });
});
