/**
 * The Agents list's and GET /api/v1/agents's filters by awaiting full sync and by termination source, against
 * a real PostgreSQL: each alone, together with the other filters, and across pages.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Database, Sql } from "../db/client";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { agentSearch, searchAgents, updateAgent } from "./agents";

let database: Database;
let sql: Sql;

beforeAll(async () => {
  database = await freshDatabase();
  sql = database.sql;
  const b = new Builder(sql);
  const tenant = await b.tenant();
  const agents: Record<string, number> = {};
  for (const username of ["active1", "manual1", "manual2", "left1", "back1", "back2", "active2"]) {
    const dbid = await b.person(tenant, { username });
    const [row] = await sql<{ id: number }[]>`insert into wfm.agents (source, cfg_dbid, tenant_dbid, username, first_name, last_name)
                                             values ('main', ${dbid}, ${tenant}, ${username}, 'Filter', ${username}) returning id`;
    agents[username] = row!.id;
  }
  for (const username of ["manual1", "manual2", "back1", "back2"]) await updateAgent(sql, agents[username]!, { terminationDate: "2031-01-01" }, "admin");
  for (const username of ["back1", "back2"]) await updateAgent(sql, agents[username]!, { terminationDate: null }, "admin");
  await sql`update wfm.agents set termination_date = '2026-01-01', termination_source = 'config' where id = ${agents.left1!}`;
});

const usernames = async (query: Record<string, string>) => (await searchAgents(sql, agentSearch.parse(query))).items.map((a) => a.username);

describe("the agents filters", () => {
  it("awaitingFullSync=true lists the reinstated agents a full sync has not re-read yet; false the others", async () => {
    expect(await usernames({ awaitingFullSync: "true" })).toEqual(["back1", "back2"]);
    expect(await usernames({ awaitingFullSync: "false" })).toEqual(["active1", "manual1", "manual2", "left1", "active2"]);
  });

  it("terminationSource=manual lists the agents terminated by hand; config those whose person left cfg", async () => {
    expect(await usernames({ terminationSource: "manual" })).toEqual(["manual1", "manual2"]);
    expect(await usernames({ terminationSource: "config" })).toEqual(["left1"]);
  });

  it("combine with the other filters and page by cursor and before", async () => {
    expect(await usernames({ terminationSource: "manual", q: "manual2" })).toEqual(["manual2"]);
    expect(await usernames({ awaitingFullSync: "true", terminated: "true" })).toEqual([]);
    const first = await searchAgents(sql, agentSearch.parse({ awaitingFullSync: "true", limit: "1" }));
    expect(first.items.map((a) => a.username)).toEqual(["back1"]);
    const second = await searchAgents(sql, agentSearch.parse({ awaitingFullSync: "true", limit: "1", cursor: first.next! }));
    expect(second.items.map((a) => a.username)).toEqual(["back2"]);
    expect(await usernames({ awaitingFullSync: "true", before: String(second.items[0]!.id) })).toEqual(["back1"]);
  });

  it("refuses values they do not take, naming the field", () => {
    const fields = (query: Record<string, string>) => {
      const result = agentSearch.strict().safeParse(query);
      return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(fields({ awaitingFullSync: "yes" })).toEqual(["awaitingFullSync: awaitingFullSync is true or false"]);
    expect(fields({ terminationSource: "cfg" })).toEqual(["terminationSource: terminationSource is manual or config"]);
  });
});
