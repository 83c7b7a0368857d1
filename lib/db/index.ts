/**
 * One way to get a database: `DATABASE_URL` when set, otherwise the embedded PostgreSQL with its data under
 * `.data/` (or the directory given). Migrations are applied before the database is handed out.
 */
import path from "node:path";
import { connect, type ClientOptions, type Database } from "./client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./embedded";
import { applyMigrations } from "./migrate";
import { env } from "../env";

export { createClient, connect, type Database, type Sql, type Drizzle } from "./client";
export { applyMigrations } from "./migrate";

export const defaultDataDir = () => path.resolve(process.cwd(), ".data", "pg");

/** WFM_DATA_DIR (relative to the working directory) when set, else defaultDataDir(). */
export const configuredDataDir = () => {
  const dir = env().dataDir;
  return dir ? path.resolve(dir) : defaultDataDir();
};

export interface OpenOptions extends ClientOptions {
  /** Overrides DATABASE_URL; pass null to force the embedded database. */
  databaseUrl?: string | null;
  dataDir?: string;
  durable?: boolean;
  migrate?: boolean;
}

export interface OpenDatabase extends Database {
  /** The embedded cluster when this call started (or adopted) one. */
  embedded?: EmbeddedDatabase;
  /** Closes the client and stops the embedded cluster it started. */
  shutdown(): Promise<void>;
}

export async function openDatabase(options: OpenOptions = {}): Promise<OpenDatabase> {
  const url = options.databaseUrl === undefined ? env().databaseUrl : (options.databaseUrl ?? undefined);
  const embedded = url
    ? undefined
    : await startEmbeddedPostgres({ dataDir: options.dataDir ?? defaultDataDir(), durable: options.durable });
  let database: Database;
  try {
    database = await connect(url ?? embedded!.url, { ...options, source: url ? "DATABASE_URL" : "embedded PostgreSQL" });
    if (options.migrate !== false) await applyMigrations(database);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  // Object.assign, not a spread: a spread would read the lazy `db` getter and open drizzle's pool for nothing.
  return Object.assign(database, {
    embedded,
    async shutdown() {
      await database.close();
      await embedded?.stop();
    },
  });
}
