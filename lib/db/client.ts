/**
 * The one place that creates database clients. Everybody else receives a `Database` (or its `sql`) as an
 * argument, so tests can hand in their own.
 */
import postgres from "postgres";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import * as schema from "../../db/schema";
import { StartupError } from "../errors";

export type Sql = postgres.Sql;

/**
 * Options for `unsafe` that prepare the statement when `prepare` holds. postgres.js sends an `unsafe` query
 * without parameters by the simple protocol, which prepares nothing whatever `prepare` says: real-time's steps
 * without parameters were parsed and planned anew at every batch, 0.8 ms of a 4.5 ms batch at workload L.
 */
export function preparedIf(prepare: boolean): postgres.UnsafeQueryOptions {
  return prepare ? ({ prepare: true, simple: false } as postgres.UnsafeQueryOptions) : {};
}
export type Drizzle = PostgresJsDatabase<typeof schema>;

export interface Database {
  url: string;
  sql: Sql;
  db: Drizzle;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** Keep the one connection for good: no idle timeout, no maximum lifetime. */
  session?: boolean;
  /** Pool size; a WFM Server and the console each need only a few. */
  max?: number;
  applicationName?: string;
  /** Called when one of the client's connections closes, for whatever reason (ours or the server's). */
  onclose?: () => void;
  /** PostgreSQL settings every connection of the client starts with (startup parameters, so they last its session). */
  settings?: Readonly<Record<string, string>>;
}

const urls = new WeakMap<Sql, string>();

/** The URL a client was made for, so a module can open a dedicated connection to the same database. */
export function urlOf(sql: Sql): string {
  const url = urls.get(sql);
  if (!url) throw new Error("this client was not made by createClient");
  return url;
}

/** A client of one connection of its own, for work that must not share the pool (a sync run). */
export function dedicatedClient(sql: Sql, applicationName: string, options: Pick<ClientOptions, "onclose" | "settings"> = {}): Sql {
  // One session for the client's whole life: postgres.js would otherwise recycle the connection after 30–60
  // minutes (max_lifetime), dropping its advisory locks and temp tables with it.
  return postgresClient(urlOf(sql), { max: 1, applicationName, onclose: options.onclose, settings: options.settings, session: true });
}

function postgresClient(url: string, options: ClientOptions): Sql {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    onclose: options.onclose,
    // A database that is away must make callers fail fast (REST answers 503, a server reconnects), not hang
    // for postgres.js's default 30 s.
    connect_timeout: 10,
    ...(options.session ? { max_lifetime: null as unknown as number } : {}),
    connection: { ...options.settings, application_name: options.applicationName ?? "wfm-sync" },
    // dbids and counts are int8 in PostgreSQL; they fit a JS number, and callers should not juggle strings.
    types: {
      bigint: { to: 20, from: [20], parse: (value: string) => Number(value), serialize: (value: number) => String(value) },
    },
  });
  urls.set(sql, url);
  return sql;
}

/**
 * `sql` is the postgres.js client the domain's hand-written SQL uses. `db` is drizzle, on a client of its
 * own, made on first use: drizzle rewrites its client's date parsers and serializers to pass strings
 * through, which would silently change what `sql` returns for timestamps and accepts for Dates.
 */
export function createClient(url: string, options: ClientOptions = {}): Database {
  const sql = postgresClient(url, options);
  let drizzleClient: Sql | undefined;
  let db: Drizzle | undefined;
  return {
    url,
    sql,
    get db() {
      drizzleClient ??= postgresClient(url, { ...options, max: Math.min(options.max ?? 10, 4) });
      db ??= drizzle(drizzleClient, { schema });
      return db;
    },
    async close() {
      await Promise.all([sql.end({ timeout: 5 }), drizzleClient?.end({ timeout: 5 })]);
    },
  };
}

/** host:port/database of a URL, never its password: for messages. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return "the given address";
  }
}

/** Turns a failure to reach the database into one line a person can act on. */
export function explainConnectionError(error: unknown, url: string, source = "DATABASE_URL"): StartupError {
  const target = describeTarget(url);
  const e = error as { code?: string; message?: string };
  const reason =
    e.code === "ECONNREFUSED"
      ? "connection refused — is PostgreSQL running there?"
      : e.code === "ENOTFOUND" || e.code === "EAI_AGAIN"
        ? "the host name does not resolve"
        : e.code === "28P01" || e.code === "28000"
          ? "the user name or password is wrong"
          : e.code === "3D000"
            ? "that database does not exist — create it first"
            : e.code === "CONNECT_TIMEOUT"
              ? "the connection timed out"
              : (e.message ?? String(error));
  const sentence = /[.?!]$/.test(reason) ? reason : `${reason}.`;
  return new StartupError(`Cannot use the database at ${target} (${source}): ${sentence}`, { cause: error });
}

export function validateDatabaseUrl(url: string, source = "DATABASE_URL"): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StartupError(`${source} is not a valid URL; expected postgres://user:password@host:port/database.`);
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new StartupError(`${source} must start with postgres:// or postgresql://, not ${parsed.protocol}//.`);
  }
}

/** Connects and proves the connection works, or throws a StartupError naming the problem. */
export async function connect(url: string, options: ClientOptions & { source?: string } = {}): Promise<Database> {
  validateDatabaseUrl(url, options.source);
  const database = createClient(url, options);
  try {
    await database.sql`select 1`;
  } catch (error) {
    await database.sql.end({ timeout: 1 }).catch(() => {});
    throw explainConnectionError(error, url, options.source);
  }
  return database;
}

// After any of these the connection is gone: the server rolled the transaction back and released its locks.
const CONNECTION_LOST = new Set(["57P01", "57P02", "57P03", "08000", "08003", "08006", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "ECONNRESET", "EPIPE"]);
export const isConnectionLoss = (error: unknown) => CONNECTION_LOST.has((error as { code?: string }).code ?? "");

// Serialization failures and deadlocks, and a unique violation: work that read a snapshot and met a row another
// transaction committed meanwhile. Done again from a new snapshot, it succeeds (a sync never writes a row
// twice within one snapshot, so a duplicate key can only be someone else's).
const TRANSIENT_CONFLICT = new Set(["40001", "40P01", "23505"]);
export const isTransientConflict = (error: unknown) => TRANSIENT_CONFLICT.has((error as { code?: string }).code ?? "");

/**
 * Whether the database answers `select 1` within `ms`: health checks must answer promptly while it is away
 * (a connection attempt to an unreachable host would otherwise wait for its timeout).
 */
export async function probeDatabase(sql: Sql, ms = 800): Promise<{ reachable: boolean; latencyMs: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const query = sql`select 1`.then(() => true, () => false);
  const reachable = await Promise.race([query, timeout]);
  clearTimeout(timer);
  return { reachable, latencyMs: Math.round(performance.now() - started) };
}

/** The session a transaction runs on (inTransaction). */
export interface PinnedSession {
  /**
   * Its backend pid, read just before BEGIN: for a write that must not happen on another session
   * (lib/sync/cursor.ts). It fails if BEGIN does: await it before writing anything that must be in the transaction.
   */
  pid: Promise<number>;
  /**
   * Sends a postgres.js query with the COMMIT instead of waiting for its answer first: the transaction's last
   * statements, one round trip fewer. The transaction fails if it fails: PostgreSQL answers a COMMIT after a
   * failed statement by rolling back. A promise derived from a query must not throw in JavaScript, since the
   * COMMIT may have succeeded by then.
   */
  withCommit(statement: PromiseLike<unknown>): void;
}

/** Sends a postgres.js query now: it goes to its connection in the order of this call, not of a later await. */
const send = <T extends PromiseLike<unknown>>(query: T): T => {
  (query as Partial<{ execute(): unknown }>).execute?.();
  return query;
};

/**
 * A transaction on a dedicated one-connection client, by hand. Not postgres.js's begin(): on a connection
 * that has just closed it sends ROLLBACK, which crashes postgres.js 3.4.9 (a write to a null socket from a
 * timer) and leaves the call hanging. The session is pinned instead: its backend pid is read just before BEGIN
 * and again with COMMIT, so a transaction that ran partly on a silently reconnected session is never reported as
 * committed — the caller gets a connection-loss error and starts over.
 */
export async function inTransaction<T>(conn: Sql, mode: string, work: (tx: Sql, session: PinnedSession) => Promise<T>): Promise<T> {
  // A real-time batch is a few milliseconds, and each round trip saved is a tenth of one or more: the pid and
  // BEGIN go out with the work's first statements, and its last statements with the pid and COMMIT. The pid is
  // read before BEGIN, in a statement of its own: read inside, it would take the transaction's snapshot, and the
  // work's first statement must (a cold import takes its locks before it, lib/sync/cold-import.ts). A
  // reconnect between the two makes the pids differ at COMMIT. A COMMIT that reaches a reconnected session finds
  // no transaction there and does nothing; the pid read beside it still tells.
  const pid = Promise.all([send(conn<{ pid: number }[]>`select pg_backend_pid() as pid`), send(conn.unsafe(`begin ${mode}`))]).then(([[row]]) => row!.pid);
  pid.catch(() => {}); // reported by the work, which awaits it, or below
  const last: PromiseLike<unknown>[] = [];
  try {
    const result = await work(conn, { pid, withCommit: (statement) => void last.push(send(statement)) });
    const started = await pid;
    const [pinned] = await Promise.all([send(conn<{ pid: number }[]>`select pg_backend_pid() as pid`), send(conn`commit`), ...last]);
    if (pinned[0]?.pid !== started) {
      throw Object.assign(new Error("the database session ended during the transaction"), { code: "CONNECTION_CLOSED" });
    }
    return result;
  } catch (error) {
    if (!isConnectionLoss(error)) await conn`rollback`.catch(() => {});
    throw error;
  }
}
