/**
 * The sync's own sessions carry the settings they need (lib/db/session-settings.ts), as seen from inside them —
 * a full sync's run connection and a WFM Server's real-time connection, through the very code that opens them —
 * and the pooled connections the console uses carry none of them.
 *
 * "From inside": a trigger on wfm.sync_cursors, which a full sync and every real-time batch write on their own
 * connection, records what that session sees. `source` 'client' is PostgreSQL's word for a setting the client
 * sent as it connected.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Database, Sql } from "./client";
import { SYNC_SESSION_SETTINGS } from "./session-settings";
import { runFullSync } from "../sync/engine";
import { Builder } from "../testing/builder";
import { freshDatabase } from "../testing/database";
import { caughtUp, startServer } from "../testing/servers";

const NAMES = Object.keys(SYNC_SESSION_SETTINGS);

interface Seen {
  application: string;
  pid: number;
  settings: Record<string, { value: string; source: string }>;
}

let database: Database;
let b: Builder;
beforeAll(async () => {
  database = await freshDatabase({ max: 4 });
  b = new Builder(database.sql);
  const { sql } = database;
  await sql`create table public.session_seen (application text, pid int, xact text, name text, value text, source text)`;
  // A function body takes no parameters: the names are ours, written in as a literal.
  await sql.unsafe(`
    create function public.record_session() returns trigger language plpgsql as $$
    begin
      insert into public.session_seen (application, pid, xact, name, value, source)
      select current_setting('application_name'), pg_backend_pid(), pg_current_xact_id()::text, name, current_setting(name), source
        from pg_settings where name in (${NAMES.map((name) => `'${name}'`).join(", ")});
      return null;
    end $$`);
  await sql`create trigger record_session after insert or update on wfm.sync_cursors for each row execute function public.record_session()`;
});

/** Each write of the cursor by a session whose application name starts with `application`, oldest first. */
async function seenBy(sql: Sql, application: string): Promise<Seen[]> {
  const rows = await sql<{ application: string; pid: number; xact: string; name: string; value: string; source: string }[]>`
    select application, pid, xact, name, value, source from public.session_seen
     where application like ${`${application}%`} order by xact::bigint, name`;
  const writes = new Map<string, Seen>();
  for (const row of rows) {
    const key = row.xact;
    const seen = writes.get(key) ?? { application: row.application, pid: row.pid, settings: {} };
    seen.settings[row.name] = { value: row.value, source: row.source };
    writes.set(key, seen);
  }
  return [...writes.values()];
}

const asSent = Object.fromEntries(NAMES.map((name) => [name, { value: SYNC_SESSION_SETTINGS[name as keyof typeof SYNC_SESSION_SETTINGS], source: "client" }]));

describe("the sync's own sessions set what they need", () => {
  it("a full sync's run connection has every setting, as sent when it connected", async () => {
    await b.server("Runs", 2);
    const result = await runFullSync(database.sql, { server: "Runs", trigger: "manual" });
    expect(result.status).toBe("succeeded");
    const seen = await seenBy(database.sql, "wfm-sync full Runs");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.settings).toEqual(asSent);
  });

  it("a WFM Server's real-time connection has them in every batch, its start-up full sync too", async () => {
    const { sql } = database;
    await b.server("Feed", 2);
    await startServer(database, "Feed");
    await caughtUp(sql, "Feed");
    // Two batches, each its own transaction on the same session: the settings outlive both.
    await b.tenant();
    await caughtUp(sql, "Feed");
    await b.tenant();
    await caughtUp(sql, "Feed");

    const [startUp] = await seenBy(sql, "wfm-sync full Feed");
    expect(startUp?.settings).toEqual(asSent);
    const batches = await seenBy(sql, "wfm-server Feed feed");
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(new Set(batches.map((x) => x.pid)).size).toBe(1);
    for (const batch of batches) expect(batch.settings).toEqual(asSent);
  });

  it("the console's pooled connections keep the server's own settings, after sync runs on the same client", async () => {
    const { sql } = database;
    await b.server("Pool", 2);
    expect((await runFullSync(sql, { server: "Pool", trigger: "manual" })).status).toBe("succeeded");
    // Every connection of the pool (freshDatabase's max), each held while it answers.
    const connections = await Promise.all(Array.from({ length: 4 }, () => sql.reserve()));
    const answers = await Promise.all(
      connections.map(async (conn) => {
        try {
          return await conn<{ pid: number; name: string; value: string; source: string }[]>`
            select pg_backend_pid() as pid, name, current_setting(name) as value, source from pg_settings where name = any (${NAMES}::text[])`;
        } finally {
          conn.release();
        }
      }),
    );
    expect(new Set(answers.flat().map((a) => a.pid)).size).toBe(4);
    for (const setting of answers.flat()) expect(setting.source, setting.name).not.toBe("client");
    // jit is on by default and the sync turns it off: the one setting whose value alone tells them apart here.
    expect(answers.flat().find((a) => a.name === "jit")?.value).toBe("on");
  });
});
