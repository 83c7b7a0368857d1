import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import type { Database } from "./client";

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../db/migrations");

/**
 * Applies the committed migrations that the database has not seen. Safe to run at every start and from
 * several processes at once: an advisory lock makes concurrent starters take turns.
 */
export async function applyMigrations(database: Database): Promise<void> {
  const lock = await database.sql.reserve();
  try {
    await lock`select pg_advisory_lock(hashtext('wfm-sync:migrations'))`;
    await migrate(database.db, { migrationsFolder });
  } finally {
    await lock`select pg_advisory_unlock(hashtext('wfm-sync:migrations'))`;
    lock.release();
  }
}
