/**
 * The Configuration Database side of a replicated source (SPEC §2.9, issue 14): `npm run cfg-source -- init`
 * installs a source's schema (the tables and local change feed of a local source, from `sourceSchemaDdl`) and a
 * publication of its seven data tables in the Configuration Database's own PostgreSQL; the WFM side probes that
 * publication before it subscribes to it. The feed tables (changes, change_counter) are not published: the WFM
 * database records its own feed of what it applies.
 *
 * Everything is checked before anything is written, and written in one transaction, so a refusal leaves the
 * database as it was; an existing schema or publication is never dropped or changed. Every refusal is a
 * PublisherError (a DomainError) whose message is one line naming the problem and the fix, and names the
 * database as host:port/database, never with its password (`redactConnection` hides passwords wherever a
 * connection string is shown).
 */
import postgres from "postgres";
import { DomainError, type ErrorCode } from "../errors";
import { MAIN_SOURCE, publicationOf, schemaOf, SOURCE_NAME_PATTERN } from "./source-names";
import { sourceSchemaDdl } from "./source-schema";

/** The tables a replicated source's publication carries, in its schema: its data, not its feed. */
export const PUBLISHED_TABLES = ["tenants", "switches", "time_zones", "skills", "persons", "agent_logins", "skill_levels"] as const;

/** A refusal of the Configuration Database side, in one line: what is wrong and how to fix it. */
export class PublisherError extends DomainError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message);
    this.name = "PublisherError";
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

export interface InstallReport {
  source: string;
  schema: string;
  publication: string;
  /** The published tables, schema-qualified, in PUBLISHED_TABLES' order. */
  tables: string[];
  /** The role given USAGE and SELECT (`grantTo`), or null. */
  grantedTo: string | null;
  /** host:port/database of the Configuration Database: no user, no password. */
  target: string;
  serverVersion: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Connection strings: postgres:// (or postgresql://) URLs, and libpq's keyword form `host=… dbname=… password=…`.

const URL_FORM = /^postgres(?:ql)?:\/\//i;
const HIDDEN = "***";

/**
 * The connection string with every password replaced by ***: the URL's `user:password@`, its `?password=`
 * (and `sslpassword=`) parameters, and keyword form's `password=…` (quoted or not). When a URL is malformed the
 * whole of what may be its user information is hidden (up to its last `@`), never less.
 */
export function redactConnection(connection: string): string {
  let text = connection;
  const scheme = URL_FORM.exec(text);
  if (scheme) {
    const rest = text.slice(scheme[0].length);
    const at = rest.lastIndexOf("@");
    if (at >= 0) {
      const userinfo = rest.slice(0, at);
      const colon = userinfo.indexOf(":");
      if (colon >= 0) text = `${scheme[0]}${userinfo.slice(0, colon)}:${HIDDEN}${rest.slice(at)}`;
    }
    return text.replace(/([?&](?:ssl)?password=)[^&#]*/gi, `$1${HIDDEN}`);
  }
  // Keyword form: a value is 'quoted, with \' escapes' or runs to whitespace.
  return text.replace(/(\b(?:ssl)?password\s*=\s*)(?:'(?:[^'\\]|\\.)*'?|[^\s']*)/gi, `$1${HIDDEN}`);
}

interface Endpoint {
  host: string;
  port: number;
  database: string;
  user: string | undefined;
  password: string | undefined;
  sslmode: string | undefined;
}

/** libpq's keyword form: `key=value` pairs separated by spaces, a value 'quoted' with \\ and \' escapes. */
function parseKeywords(connection: string): Record<string, string> | null {
  const pairs: Record<string, string> = {};
  const pattern = /\s*([A-Za-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|([^\s']*))\s*/y;
  let index = 0;
  while (index < connection.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(connection);
    if (!match || match[0].length === 0) return null;
    pairs[match[1]!] = match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : match[3]!;
    index = pattern.lastIndex;
  }
  return Object.keys(pairs).length > 0 ? pairs : null;
}

/** Where a connection string points, or null when it is neither a postgres:// URL nor keyword form. */
function endpointOf(connection: string): Endpoint | null {
  const text = connection.trim();
  if (URL_FORM.test(text)) {
    try {
      const url = new URL(text);
      const user = url.username ? decodeURIComponent(url.username) : undefined;
      const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || url.searchParams.get("dbname") || user || "postgres";
      return {
        host: url.hostname || url.searchParams.get("host") || "localhost",
        port: Number(url.port || url.searchParams.get("port") || 5432),
        database,
        user: user ?? url.searchParams.get("user") ?? undefined,
        password: url.password ? decodeURIComponent(url.password) : (url.searchParams.get("password") ?? undefined),
        sslmode: url.searchParams.get("sslmode") ?? undefined,
      };
    } catch {
      return null;
    }
  }
  if (!text.includes("=")) return null;
  const keywords = parseKeywords(text);
  if (!keywords) return null;
  return {
    host: keywords.host ?? keywords.hostaddr ?? "localhost",
    port: Number(keywords.port ?? 5432),
    database: keywords.dbname ?? keywords.user ?? "postgres",
    user: keywords.user,
    password: keywords.password,
    sslmode: keywords.sslmode,
  };
}

/** "host:5432/configdb": where a connection string points, with no user and no password, for messages. */
export function describeConnection(connection: string): string {
  const endpoint = endpointOf(connection);
  return endpoint ? `${endpoint.host}:${endpoint.port}/${endpoint.database}` : "the given Configuration Database";
}

const CONNECT_TIMEOUT_S = 5;

/** A one-connection client of the Configuration Database, whichever form its connection string has. */
function publisherClient(connection: string, what: string): { sql: postgres.Sql; target: string } {
  const endpoint = endpointOf(connection);
  if (!endpoint || !Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65535) {
    throw new PublisherError(
      "BAD_INPUT",
      `${what} is not a PostgreSQL connection string: give postgres://user:password@host:5432/configdb (or host=… port=… dbname=… user=… password=…).`,
    );
  }
  const common = { max: 1, connect_timeout: CONNECT_TIMEOUT_S, idle_timeout: 5, onnotice: () => {}, connection: { application_name: "wfm-sync cfg-source" } };
  const sql = URL_FORM.test(connection.trim())
    ? postgres(connection.trim(), common)
    : postgres({
        ...common,
        host: endpoint.host,
        port: endpoint.port,
        database: endpoint.database,
        username: endpoint.user,
        password: endpoint.password,
        ...(endpoint.sslmode && endpoint.sslmode !== "disable" ? { ssl: endpoint.sslmode as "require" | "prefer" | "allow" | "verify-full" } : {}),
      });
  return { sql, target: `${endpoint.host}:${endpoint.port}/${endpoint.database}` };
}

/** Why the Configuration Database could not be reached, as the end of one sentence. */
function unreachable(error: unknown, target: string): PublisherError {
  const e = error as { code?: string; message?: string };
  const [code, reason] =
    e.code === "ECONNREFUSED"
      ? (["UNAVAILABLE", "connection refused — is PostgreSQL running there, on that port?"] as const)
      : e.code === "ENOTFOUND" || e.code === "EAI_AGAIN"
        ? (["UNAVAILABLE", "the host name does not resolve"] as const)
        : e.code === "CONNECT_TIMEOUT" || e.code === "ETIMEDOUT"
          ? (["UNAVAILABLE", `no answer within ${CONNECT_TIMEOUT_S} s — is the host right, and the port open to this machine?`] as const)
          : e.code === "EHOSTUNREACH" || e.code === "ENETUNREACH"
            ? (["UNAVAILABLE", "there is no route to that host"] as const)
            : e.code === "28P01"
              ? (["BAD_INPUT", "the user name or password is wrong"] as const)
              : e.code === "3D000"
                ? (["BAD_INPUT", "that database does not exist — create it first (CREATE DATABASE)"] as const)
                : (["UNAVAILABLE", redactConnection(firstLine(e.message ?? String(error)))] as const);
  const sentence = /[.?!]$/.test(reason) ? reason : `${reason}.`;
  return new PublisherError(code, `Cannot reach the Configuration Database at ${target}: ${sentence}`, { cause: error });
}

const firstLine = (text: string) => text.split("\n")[0]!.trim();

/** A SQL identifier, double-quoted: role names come from the user and may hold anything. */
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A source name that can be replicated: valid, and not main (the WFM database's own cfg schema). */
function checkSourceName(source: string, option: string): string {
  if (!SOURCE_NAME_PATTERN.test(source)) {
    throw new PublisherError(
      "BAD_INPUT",
      `${option} is a source name: a lower-case letter, then up to 30 lower-case letters, digits or underscores, not '${source}'.`,
    );
  }
  if (source === MAIN_SOURCE) {
    throw new PublisherError(
      "BAD_INPUT",
      `The source main is the WFM database's own cfg schema and cannot be replicated: choose another ${option} (for example eu).`,
    );
  }
  return schemaOf(source);
}

interface Session {
  user: string;
  database: string;
  walLevel: string;
  serverVersion: string;
  superuser: boolean;
  replication: boolean;
}

/** Connects (the first query proves it) and reads who we are there and how the server is set. */
async function openSession(sql: postgres.Sql, target: string): Promise<Session> {
  try {
    const [row] = await sql<Session[]>`
      select current_user as user, current_database() as database, current_setting('wal_level') as "walLevel",
             current_setting('server_version') as "serverVersion", r.rolsuper as superuser, r.rolreplication as replication
        from pg_roles r where r.rolname = current_user`;
    return row!;
  } catch (error) {
    throw unreachable(error, target);
  }
}

function checkWalLevel(session: Session, target: string): void {
  if (session.walLevel !== "logical") {
    throw new PublisherError(
      "CONFLICT",
      `The Configuration Database at ${target} has wal_level = ${session.walLevel}, and publishing needs logical: run ALTER SYSTEM SET wal_level = logical there as a superuser, then restart PostgreSQL.`,
    );
  }
}

const qualified = (schema: string) => PUBLISHED_TABLES.map((table) => `${schema}.${table}`);

// ---------------------------------------------------------------------------------------------------------------
// init

/**
 * Installs source `source` in the Configuration Database at `url`: schema `schemaOf(source)` with the tables and
 * change feed of a local source, and publication `publicationOf(source)` of its seven data tables; with
 * `grantTo`, USAGE on the schema and SELECT on those tables for that role (the least-privilege user the WFM side
 * connects as, which must have REPLICATION). Checked first, written in one transaction.
 */
export async function installPublisher(url: string, source: string, options: { grantTo?: string } = {}): Promise<InstallReport> {
  const schema = checkSourceName(source, "--name");
  const publication = publicationOf(source);
  const grantTo = options.grantTo;
  if (grantTo !== undefined && grantTo.trim() === "") throw new PublisherError("BAD_INPUT", "--grant-to names a role of the Configuration Database; it was empty.");
  const { sql, target } = publisherClient(url, "--url");
  try {
    const session = await openSession(sql, target);
    checkWalLevel(session, target);
    const [state] = await sql<{ canCreate: boolean; schemaExists: boolean; publicationExists: boolean }[]>`
      select has_database_privilege(current_database(), 'CREATE') as "canCreate",
             exists (select 1 from pg_namespace where nspname = ${schema}) as "schemaExists",
             exists (select 1 from pg_publication where pubname = ${publication}) as "publicationExists"`;
    if (!state!.canCreate) {
      throw new PublisherError(
        "CONFLICT",
        `The user ${session.user} may not create schemas or publications in the database ${session.database} at ${target}: run GRANT CREATE ON DATABASE ${quoteIdent(session.database)} TO ${quoteIdent(session.user)} there as its owner or a superuser, or run init as a user who may.`,
      );
    }
    if (state!.schemaExists) {
      throw new PublisherError(
        "CONFLICT",
        state!.publicationExists
          ? `The schema ${schema} and the publication ${publication} exist already in the Configuration Database at ${target}, so nothing was done (init never drops or changes data): the source ${source} is installed there; register it in WFM.`
          : `The schema ${schema} exists already in the Configuration Database at ${target}, so nothing was done (init never drops or changes data): choose another --name, or move that schema away yourself.`,
      );
    }
    if (state!.publicationExists) {
      throw new PublisherError(
        "CONFLICT",
        `The publication ${publication} exists already in the Configuration Database at ${target}, without the schema ${schema}, so nothing was done (init never changes it): choose another --name, or drop that publication yourself (DROP PUBLICATION ${publication}) if nothing uses it.`,
      );
    }
    if (grantTo !== undefined) await checkGrantee(sql, grantTo, session, target);

    const tables = qualified(schema);
    try {
      await sql.begin(async (tx) => {
        await tx.unsafe(sourceSchemaDdl(schema));
        // Schema and table names are source names (checked): they need no quoting.
        await tx.unsafe(`CREATE PUBLICATION ${publication} FOR TABLE ${tables.join(", ")}`);
        if (grantTo !== undefined) {
          await tx.unsafe(`GRANT USAGE ON SCHEMA ${schema} TO ${quoteIdent(grantTo)}`);
          await tx.unsafe(`GRANT SELECT ON TABLE ${tables.join(", ")} TO ${quoteIdent(grantTo)}`);
        }
      });
    } catch (error) {
      // Made by someone else between our look and our CREATE: the same refusals, and our transaction rolled back.
      const code = (error as { code?: string }).code;
      if (code === "42P06") {
        throw new PublisherError("CONFLICT", `The schema ${schema} was created in the Configuration Database at ${target} while init ran, so nothing was done (init never drops or changes data).`);
      }
      if (code === "42710") {
        throw new PublisherError("CONFLICT", `The publication ${publication} was created in the Configuration Database at ${target} while init ran, so nothing was done (init never changes it).`);
      }
      throw error;
    }
    return { source, schema, publication, tables, grantedTo: grantTo ?? null, target, serverVersion: session.serverVersion };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** The role WFM will connect as: it exists, may log in and connect, and may replicate. */
async function checkGrantee(sql: postgres.Sql, role: string, session: Session, target: string): Promise<void> {
  const [found] = await sql<{ superuser: boolean; replication: boolean; login: boolean; connect: boolean }[]>`
    select rolsuper as superuser, rolreplication as replication, rolcanlogin as login,
           has_database_privilege(oid, current_database(), 'CONNECT') as connect
      from pg_roles where rolname = ${role}`;
  const r = quoteIdent(role);
  if (!found) {
    throw new PublisherError(
      "BAD_INPUT",
      `There is no role ${role} in the Configuration Database at ${target}: create it first (CREATE ROLE ${r} LOGIN REPLICATION PASSWORD '…'), then run init again.`,
    );
  }
  if (!found.replication && !found.superuser) {
    throw new PublisherError(
      "CONFLICT",
      `The role ${role} may not replicate, and WFM's subscription connects as it: run ALTER ROLE ${r} REPLICATION in the Configuration Database at ${target} as a superuser, then run init again.`,
    );
  }
  if (!found.login) {
    throw new PublisherError("CONFLICT", `The role ${role} may not log in, and WFM's subscription connects as it: run ALTER ROLE ${r} LOGIN at ${target}, then run init again.`);
  }
  if (!found.connect) {
    throw new PublisherError(
      "CONFLICT",
      `The role ${role} may not connect to the database ${session.database} at ${target}: run GRANT CONNECT ON DATABASE ${quoteIdent(session.database)} TO ${r} there, then run init again.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What the WFM side checks before it subscribes.

/**
 * Checks that the Configuration Database at `connection` can feed source `source` to WFM, as the user the
 * connection names: wal_level = logical, publication `publicationOf(source)` publishing inserts, updates and
 * deletes of exactly the seven tables of `schemaOf(source)`, and that this user may replicate and read them.
 */
export async function probePublisher(connection: string, source: string): Promise<{ serverVersion: string }> {
  const schema = checkSourceName(source, "name");
  const publication = publicationOf(source);
  const { sql, target } = publisherClient(connection, "connection");
  try {
    const session = await openSession(sql, target);
    checkWalLevel(session, target);
    const [pub] = await sql<{ insert: boolean; update: boolean; delete: boolean; tables: string[] }[]>`
      select p.pubinsert as insert, p.pubupdate as update, p.pubdelete as delete,
             array(select t.schemaname || '.' || t.tablename from pg_publication_tables t
                    where t.pubname = p.pubname order by 1) as tables
        from pg_publication p where p.pubname = ${publication}`;
    if (!pub) {
      throw new PublisherError(
        "CONFLICT",
        `The Configuration Database at ${target} has no publication ${publication}: run npm run cfg-source -- init --url … --name ${source} there first.`,
      );
    }
    const expected = qualified(schema);
    const missing = expected.filter((t) => !pub.tables.includes(t));
    const extra = pub.tables.filter((t) => !expected.includes(t));
    if (missing.length > 0 || extra.length > 0) {
      const what = [missing.length ? `lacks ${missing.join(", ")}` : "", extra.length ? `also publishes ${extra.join(", ")}` : ""].filter(Boolean).join(" and ");
      throw new PublisherError(
        "CONFLICT",
        `The publication ${publication} at ${target} ${what}, and must publish exactly the tables ${PUBLISHED_TABLES.join(", ")} of ${schema}: run ALTER PUBLICATION ${publication} SET TABLE ${expected.join(", ")} there.`,
      );
    }
    const skipped = (["insert", "update", "delete"] as const).filter((op) => !pub[op]);
    if (skipped.length > 0) {
      throw new PublisherError(
        "CONFLICT",
        `The publication ${publication} at ${target} does not publish ${skipped.join(", ")}s, so WFM would miss them: run ALTER PUBLICATION ${publication} SET (publish = 'insert, update, delete, truncate') there.`,
      );
    }
    if (!session.replication && !session.superuser) {
      throw new PublisherError(
        "CONFLICT",
        `The user ${session.user} may not replicate from the Configuration Database at ${target}: run ALTER ROLE ${quoteIdent(session.user)} REPLICATION there as a superuser, or connect as a user who may.`,
      );
    }
    const unreadable = (
      await sql<{ table: string }[]>`
        select t as table from unnest(${expected}::text[]) as t
         where not (has_schema_privilege(${schema}, 'USAGE') and has_table_privilege(t, 'SELECT'))`
    ).map((row) => row.table);
    if (unreadable.length > 0) {
      const u = quoteIdent(session.user);
      throw new PublisherError(
        "CONFLICT",
        `The user ${session.user} may not read ${unreadable.join(", ")} in the Configuration Database at ${target}: run GRANT USAGE ON SCHEMA ${schema} TO ${u}; GRANT SELECT ON ${expected.join(", ")} TO ${u}; there.`,
      );
    }
    return { serverVersion: session.serverVersion };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}
