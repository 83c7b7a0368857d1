/**
 * Ordering concurrent database work in tests by what PostgreSQL reports, never by sleeping: a transaction
 * that says it holds its locks (its statements have run), and a wait until another session is seen blocked
 * on them (pg_blocking_pids, pg_stat_activity). On a loaded machine a sleep orders nothing — a new
 * connection alone can take longer than the sleep.
 *
 * Sessions and held transactions a test leaves open are rolled back and closed after that test.
 */
import { afterEach } from "vitest";
import { createClient, type Sql } from "../db/client";

export interface Session {
  /** A client of exactly one connection: everything sent on it runs in the backend `pid`. */
  sql: Sql;
  pid: number;
  close(): Promise<void>;
}

export interface HeldTransaction {
  /** The backend holding the transaction (and its locks). */
  pid: number;
  /** Commits, releasing the locks, and closes the connection. */
  commit(): Promise<void>;
  /** Rolls back, releasing the locks, and closes the connection. */
  rollback(): Promise<void>;
}

const open = new Set<() => Promise<void>>();
afterEach(async () => {
  const closing = [...open];
  open.clear();
  await Promise.all(closing.map((close) => close().catch(() => {})));
});

/** A connection of its own to `url`, with its backend pid known (to tell it apart in pg_stat_activity). */
export async function openSession(url: string, applicationName = "wfm-sync test session"): Promise<Session> {
  const client = createClient(url, { max: 1, session: true, applicationName });
  const close = async () => {
    open.delete(close);
    await client.close();
  };
  open.add(close);
  try {
    const [{ pid }] = (await client.sql`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
    return { sql: client.sql, pid, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Opens a transaction on a connection of its own and runs `take` in it — the statements that take the locks
 * to hold. Resolves once they have run, so the locks are held from then on, until commit() or rollback().
 */
export async function holdTransaction(url: string, take: (tx: Sql) => Promise<unknown>): Promise<HeldTransaction> {
  const session = await openSession(url, "wfm-sync test lock holder");
  let ended: Promise<void> | undefined;
  const end = (how: "commit" | "rollback") =>
    (ended ??= (async () => {
      try {
        await session.sql.unsafe(how);
      } finally {
        await session.close();
      }
    })());
  // If the test ends without ending it, the transaction is rolled back (the session's own cleanup closes it).
  try {
    await session.sql`begin`;
    await take(session.sql);
  } catch (error) {
    await end("rollback").catch(() => {});
    throw error;
  }
  return { pid: session.pid, commit: () => end("commit"), rollback: () => end("rollback") };
}

export interface BlockedSession {
  pid: number;
  applicationName: string;
  /** The pids it waits for. */
  blockers: number[];
  waitEventType: string | null;
  waitEvent: string | null;
  query: string;
}

const describeSession = (s: Partial<BlockedSession> | undefined) =>
  s ? `pid ${s.pid} (${s.applicationName}): wait ${s.waitEventType ?? "none"}/${s.waitEvent ?? "none"}, blocked by [${s.blockers?.join(", ") ?? ""}], running ${JSON.stringify(s.query)}` : "no such session";

/**
 * Polls pg_stat_activity until a session waits for a lock — the session `pid`, or the session whose
 * application_name is `applicationName` (there must be at most one) — and, with `by`, until one of the locks
 * it waits for is held by the backend `by`. Returns what the session is doing.
 *
 * `settled` is the blocked statement's own promise, when the test has it: if that settles first, the
 * statement ran without waiting, and this throws at once instead of timing out.
 */
export async function waitUntilBlocked(
  sql: Sql,
  who: number | { applicationName: string },
  options: { by?: number; settled?: PromiseLike<unknown>; ms?: number } = {},
): Promise<BlockedSession> {
  const ms = options.ms ?? 30_000;
  const until = Date.now() + ms;
  let settled = false;
  if (options.settled) {
    Promise.resolve(options.settled).then(
      () => (settled = true),
      () => (settled = true),
    );
  }
  const pid = typeof who === "number" ? who : null;
  const applicationName = typeof who === "number" ? null : who.applicationName;
  for (;;) {
    // Read before looking: a statement that had finished before a look that finds no wait never waited.
    const finished = settled;
    const found = await sql<BlockedSession[]>`
      select pid, application_name as "applicationName", pg_blocking_pids(pid) as blockers,
             wait_event_type as "waitEventType", wait_event as "waitEvent", left(query, 300) as query
        from pg_stat_activity
       where datname = current_database()
         and (pid = ${pid}::int or application_name = ${applicationName}::text)`;
    if (found.length > 1) throw new Error(`more than one session is named ${JSON.stringify(applicationName)}: ${found.map(describeSession).join("; ")}`);
    const session = found[0];
    if (session && session.blockers.length > 0 && (options.by === undefined || session.blockers.includes(options.by))) return session;
    const what = pid !== null ? `session ${pid}` : `the session ${JSON.stringify(applicationName)}`;
    if (finished) throw new Error(`${what} finished its statement without waiting for ${options.by === undefined ? "a lock" : `a lock held by ${options.by}`}`);
    if (Date.now() > until) {
      throw new Error(`${what} was not seen waiting for ${options.by === undefined ? "a lock" : `a lock held by ${options.by}`} within ${ms} ms; last seen: ${describeSession(session)}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
