/**
 * npm run wfm-server -- --name <name> [...]: one WFM Server process (SPEC §7). Uses DATABASE_URL, or else
 * the embedded PostgreSQL that `npm start` runs on this checkout's data directory.
 */
import path from "node:path";
import { runCli } from "../lib/cli";
import { isConnectionLoss } from "../lib/db/client";
import { configuredDataDir } from "../lib/db";
import { runningEmbeddedUrl } from "../lib/db/embedded";
import { env } from "../lib/env";
import { StartupError } from "../lib/errors";
import { parseServerFlags } from "../lib/server/options";
import { WfmServer } from "../lib/server/runtime";

runCli(async () => {
  env(); // a bad environment variable stops the server here, in one line
  const flags = parseServerFlags(process.argv.slice(2));
  const dataDir = configuredDataDir();
  const databaseUrl = env().databaseUrl || (await runningEmbeddedUrl(dataDir));
  if (!databaseUrl) {
    throw new StartupError(
      `DATABASE_URL is not set, and no embedded PostgreSQL is running on ${path.relative(process.cwd(), dataDir) || dataDir}: start 'npm start' first, or set DATABASE_URL.`,
    );
  }
  const server = new WfmServer({ flags, databaseUrl });
  // A connection loss that reaches no handler comes from inside the driver (every query of ours is awaited):
  // postgres.js 3.4.9 leaves some of its own promises unhandled (the per-connection type fetch, patched in
  // patches/, is the one known). Such a loss is a fault the server rides out — the query that needed the
  // connection fails and the term ends as for any lost connection — so it is logged, not fatal. Anything
  // else unhandled is a bug: logged, and the process stops.
  process.on("unhandledRejection", (error) => {
    if (isConnectionLoss(error)) {
      server.log.warn({ err: (error as Error).message }, "a connection was lost while it started; carrying on");
      return;
    }
    server.log.fatal({ err: error instanceof Error ? error.stack : String(error) }, "unhandled error; stopping");
    process.exit(1);
  });
  await server.start();
  // `on`, not `once`: a signal sent to the whole process group (tsx and this process) arrives twice, and a
  // second one must not kill the process halfway through its clean stop.
  process.on("SIGTERM", () => void server.stop("SIGTERM"));
  process.on("SIGINT", () => void server.stop("SIGINT"));
  process.exit(await server.finished());
});
