/**
 * The console's process-wide database client. The launcher always passes DATABASE_URL to the console (the
 * embedded cluster's address when it started one), so the web app never starts a database itself.
 */
import { createClient, type Database } from "./client";
import { env } from "../env";
import { StartupError } from "../errors";

const globalForDb = globalThis as unknown as { wfmDatabase?: Database };

export function sharedDatabase(): Database {
  if (!globalForDb.wfmDatabase) {
    const url = env().databaseUrl;
    if (!url) throw new StartupError("DATABASE_URL is not set: start the console with 'npm start', which provides it.");
    globalForDb.wfmDatabase = createClient(url, { max: 10, applicationName: "wfm-console" });
  }
  return globalForDb.wfmDatabase;
}
