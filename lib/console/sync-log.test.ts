/**
 * The sync log as an administrator searches it: a run's lines by text (an agent's name, username, a dbid, the
 * message) and time, named and linked to the agent they are about, the same lines as a CSV file, and Sync
 * history narrowed to an agent's runs and a time range.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Database, Sql } from "../db/client";
import { runFullSync } from "../sync/engine";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { agentEventFilter, agentEvents, eventFilter, eventQuery, findAgentForFilter, listRuns, runEvents, runEventsCsv, runFilter } from "./runs";

let database: Database;
let sql: Sql;
let b: Builder;
let runId: number;
let ada: { source: string; cfgDbid: number; id: number };

beforeAll(async () => {
  database = await freshDatabase();
  sql = database.sql;
  b = new Builder(sql);
  const tenant = await b.tenant();
  await b.server("Main", 2);
  const skill = await b.skill(tenant, "Sales");
  const adaDbid = await b.person(tenant, { username: "alovelace", firstName: "Ada", lastName: "Lovelace", skills: { [skill]: 3 } });
  await b.person(tenant, { username: "=cmd|calc", firstName: "", lastName: "" });
  await b.person(tenant, { username: "-1+cmd|calc", firstName: "", lastName: "" });
  for (let i = 0; i < 5; i++) await b.person(tenant);
  const run = await runFullSync(sql, { server: "Main", trigger: "manual" });
  runId = run.runId;
  const [agent] = await sql<{ id: number }[]>`select id from wfm.agents where cfg_dbid = ${adaDbid}`;
  ada = { source: "main", cfgDbid: adaDbid, id: agent!.id };
});

const search = (query: Record<string, string>) => runEvents(sql, runId, eventFilter.parse(query));

async function csv(query: Record<string, string> = {}) {
  let text = "";
  for await (const chunk of runEventsCsv(sql, runId, eventFilter.parse(query))) text += chunk;
  return text.split("\r\n").filter(Boolean);
}

describe("a run's log, searched", () => {
  it("finds an agent's lines by name, username or dbid, named and with the agent's id to link", async () => {
    // A dbid is also found in messages that hold it ("1 skill levels"): Ada's lines are among those.
    expect((await search({ q: String(ada.cfgDbid) })).items.filter((e) => e.objectKey === String(ada.cfgDbid)).length).toBeGreaterThan(0);
    for (const q of ["lovelace", "ALOVE", "Ada Love"]) {
      const { items } = await search({ q });
      expect(items.length, q).toBeGreaterThan(0);
      for (const e of items) expect(e, q).toMatchObject({ objectKey: String(ada.cfgDbid), objectName: "Ada Lovelace (alovelace)", agentId: ada.id });
    }
    const { items } = await search({ q: "lovelace", objectType: "agent" });
    expect(items.map((e) => e.action)).toEqual(["added"]);
  });

  it("matches the message text too, and a search for nothing there finds nothing", async () => {
    const { items } = await search({ q: "skill levels" });
    expect(items.map((e) => e.objectType)).toEqual(Array(8).fill("agent"));
    expect((await search({ q: "no such text anywhere" })).items).toEqual([]);
    // LIKE's wildcards are searched for as themselves.
    expect((await search({ q: "%" })).items).toEqual([]);
  });

  it("narrows by time: from is included, to is not", async () => {
    const all = (await search({})).items;
    const first = all[0]!.at;
    expect((await search({ from: first.toISOString() })).items).toHaveLength(all.length);
    expect((await search({ to: first.toISOString() })).items).toEqual([]);
    expect((await search({ from: new Date(Date.now() + 3_600_000).toISOString() })).items).toEqual([]);
  });

  it("refuses a time without its zone, and a range that ends before it starts, naming the field", () => {
    expect(eventFilter.safeParse({ from: "2026-12-02T10:00" }).error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["from", "from is an ISO date-time with its zone, such as 2026-12-02T09:00:00Z, or a date, 2026-12-02"],
    ]);
    expect(eventFilter.safeParse({ from: "2026-12-02", to: "2026-12-01T23:00:00Z" }).error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["to", "to is after from (from is included, to is not)"],
    ]);
    expect(eventFilter.safeParse({ from: "2026-02-30" }).error?.issues[0]?.message).toBe("from is not a date that exists");
    expect(eventFilter.safeParse({ to: "2026-13-01T00:00:00Z" }).error?.issues[0]?.message).toBe("to is not a date that exists");
    expect(eventQuery.strict().safeParse({ format: "xml" }).error?.issues[0]?.message).toBe("format is json or csv");
  });
});

describe("a run's log as CSV", () => {
  it("has a header and every matching line, the same lines the API pages through", async () => {
    const lines = await csv();
    expect(lines[0]).toBe("id,runId,at,objectType,objectKey,objectName,action,message");
    const all = await runEvents(sql, runId, eventFilter.parse({ limit: "1000" }));
    expect(lines.slice(1).map((line) => Number(line.split(",")[0]))).toEqual(all.items.map((e) => e.id));
    const only = await csv({ q: "alovelace" });
    expect(only.length - 1).toBe((await search({ q: "alovelace" })).items.length);
    expect(only[1]).toContain(",Ada Lovelace (alovelace),");
  });

  it("quotes what needs it and keeps a spreadsheet from running a name as a formula", async () => {
    const [, line, more] = await csv({ q: "=cmd", objectType: "agent" });
    expect(more).toBeUndefined();
    // The person has no name: the line names the agent by its bare username, which starts with "=".
    expect(line).toContain(",'=cmd|calc,added,");
    // The message holds commas: one quoted field.
    expect(line).toMatch(/,added,"added: +\(=cmd\|calc\), no site .*"$/);
    // A leading minus is a formula too unless the whole value is a number.
    const [, minus] = await csv({ q: "-1+cmd", objectType: "agent" });
    expect(minus).toContain(",'-1+cmd|calc,added,");
  });
});

describe("Sync history, narrowed", () => {
  it("to the runs that logged a line for an agent, and to a time range", async () => {
    const other = await runFullSync(sql, { server: "Main", trigger: "manual" }); // nothing changed: logs nothing of Ada
    const all = (await listRuns(sql, runFilter.parse({}))).items.map((r) => r.id);
    expect(all).toEqual([other.runId, runId]);
    expect((await listRuns(sql, runFilter.parse({ agentId: String(ada.id) }))).items.map((r) => r.id)).toEqual([runId]);
    expect((await listRuns(sql, runFilter.parse({ to: "2000-01-01" }))).items).toEqual([]);
    expect((await listRuns(sql, runFilter.parse({ from: "2000-01-01" }))).items).toHaveLength(2);
    expect(await findAgentForFilter(sql, "ALOVELACE")).toEqual({ id: ada.id, name: "Ada Lovelace (alovelace)" });
    expect(await findAgentForFilter(sql, String(ada.id))).toMatchObject({ id: ada.id });
    expect(await findAgentForFilter(sql, "nobody")).toBeNull();
  });
});

describe("Sync history, sorted", () => {
  it("by a count or the duration, either way, in pages that neither skip nor repeat a run", async () => {
    const ids = (await listRuns(sql, runFilter.parse({ limit: "500" }))).items;
    const byAdded = (await listRuns(sql, runFilter.parse({ sort: "added" }))).items;
    expect(byAdded.map((r) => r.counts.added)).toEqual([...byAdded.map((r) => r.counts.added)].sort((x, y) => y - x));
    expect(byAdded[0]!.id).toBe(runId);
    const ascending = (await listRuns(sql, runFilter.parse({ sort: "added", dir: "asc" }))).items;
    expect(ascending.at(-1)!.id).toBe(runId);
    // One run a page: every run once, in the order of the whole list.
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRuns(sql, runFilter.parse({ sort: "duration", limit: "1", cursor }));
      seen.push(...page.items.map((r) => r.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(seen).toEqual((await listRuns(sql, runFilter.parse({ sort: "duration" }))).items.map((r) => r.id));
    expect([...seen].sort()).toEqual(ids.map((r) => r.id).sort());
    expect(runFilter.safeParse({ sort: "name" }).error?.issues[0]?.message).toBe("sort is one of id, duration, added, updated, terminated, skipped, errors");
  });
});

describe("an agent's own events", () => {
  it("are its agent and level lines, narrowed by message text and time", async () => {
    await sql`update cfg.skill_levels set level = 5 where person_dbid = ${ada.cfgDbid}`;
    await runFullSync(sql, { server: "Main", trigger: "manual" });
    const all = await agentEvents(sql, ada);
    expect(all.map((e) => [e.objectType, e.action])).toEqual([["skill_level", "updated"], ["agent", "added"]]);
    expect((await agentEvents(sql, ada, agentEventFilter.parse({ q: "ADDED: Ada" }))).map((e) => e.objectType)).toEqual(["agent"]);
    expect(await agentEvents(sql, ada, agentEventFilter.parse({ from: new Date(Date.now() + 60_000).toISOString() }))).toEqual([]);
    expect(await agentEvents(sql, ada, agentEventFilter.parse({ to: "2000-01-01" }))).toEqual([]);
  });
});
