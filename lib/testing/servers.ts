/**
 * Real WFM Server processes for tests: started on 127.0.0.1 on a free port against the test's database,
 * stopped (killed, if the test did not stop them) after the test that started them.
 */
import { schemaOf } from "../config/source-names";
import { afterEach, inject } from "vitest";
import type { Database, Sql } from "../db/client";
import type { Role, ServerEvent } from "../server/events";
import { spawnServer, type ServerProcess } from "../server/process";

export async function startServer(
  database: Database,
  name: string,
  args: string[] = [],
  env: Record<string, string | undefined> = {},
  port?: number,
): Promise<ServerProcess> {
  // The bundle global-setup.ts made of scripts/wfm-server.ts, unless WFM_TEST_SERVER_BUNDLE=0 (then tsx).
  const entry = inject("serverEntry") || undefined;
  const server = await spawnServer({ root: process.cwd(), databaseUrl: database.url, name, args, env, output: "keep", port, entry });
  started.add(server);
  return server;
}

// Whatever a test did, its servers are gone before the next test starts.
const started = new Set<ServerProcess>();
afterEach(async () => {
  await Promise.all([...started].map((s) => s.kill()));
  started.clear();
});

/**
 * A log line that records one of the server's lifecycle events (lib/server/events.ts), optionally with some
 * of its fields: what tests wait on, rather than the words of a message.
 */
export const onEvent =
  (event: ServerEvent, fields: Record<string, unknown> = {}) =>
  (line: Record<string, unknown>) =>
    line.event === event && Object.entries(fields).every(([key, value]) => line[key] === value);

export const isRole = (role: Role) => onEvent("role:changed", { role });

/** Polls until the server's cursor has reached the end of the change feed (as it stands when called). */
export async function caughtUp(sql: Sql, server: string, ms = 30_000): Promise<number> {
  // The feed of the server's own source (SPEC §2.9).
  const [{ source }] = (await sql`select source from wfm.servers where name = ${server}`) as unknown as [{ source: string }];
  const [{ head }] = (await sql`select seq as head from ${sql(`${schemaOf(source)}.change_counter`)}`) as unknown as [{ head: number }];
  const until = Date.now() + ms;
  for (;;) {
    const [row] = await sql`select last_seq from wfm.sync_cursors where server = ${server} and source = ${source}`;
    if (row && Number(row.last_seq) >= head) return head;
    if (Date.now() > until) throw new Error(`${server} did not catch up with the change feed (head ${head}, cursor ${row?.last_seq ?? "none"}) within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Polls until `check` returns something truthy. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, what: string, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The log lines of a server's realtime runs, oldest first, as "action: message". */
export async function realtimeLog(sql: Sql, server: string, objectKey?: string): Promise<string[]> {
  const rows = await sql<{ line: string }[]>`
    select e.action || ': ' || e.message as line
      from wfm.sync_events e join wfm.sync_runs r on r.id = e.run_id
     where r.server = ${server} and r.kind = 'realtime' and (${objectKey ?? null}::text is null or e.object_key = ${objectKey ?? null})
     order by e.id`;
  return rows.map((r) => r.line);
}
