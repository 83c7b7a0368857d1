/**
 * One throw-away PostgreSQL cluster for the whole unit/integration run, started from the same factory the
 * product uses, with a migrated template database that each test file clones (a clone takes milliseconds,
 * migrating takes much longer). And scripts/wfm-server.ts bundled once, for the WFM Server processes tests
 * start (see server-bundle.ts); WFM_TEST_SERVER_BUNDLE=0 starts them through tsx instead, as npm start does.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createClient } from "../db/client";
import { startEmbeddedPostgres } from "../db/embedded";
import { applyMigrations } from "../db/migrate";

import { bundleServer, type ServerBundle } from "./server-bundle";
import { TEMPLATE_DATABASE } from "./template";
import { startPublisherCluster } from "./publisher-cluster";

declare module "vitest" {
  export interface ProvidedContext {
    clusterUrl: string;
    /** The `postgres` database of a second cluster with wal_level=logical: where replicated sources' tests publish. */
    publisherUrl: string;
    /** The bundled scripts/wfm-server.ts, or "" to run it through tsx. */
    serverEntry: string;
  }
}

export default async function setup(project: TestProject) {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), "wfm-test-"));
  // The cluster runs as the 'postgres' user when we are root; it must be able to reach its directory.
  await fs.chmod(base, 0o755);
  const [cluster, publisher] = await Promise.all([
    startEmbeddedPostgres({ dataDir: path.join(base, "pg"), durable: false }),
    startPublisherCluster({ dataDir: path.join(base, "publisher") }),
  ]);
  const adminUrl = cluster.url.replace(/\/wfm$/, "/postgres");
  const admin = createClient(adminUrl, { max: 1 });
  await admin.sql.unsafe(`drop database if exists ${TEMPLATE_DATABASE}`);
  await admin.sql.unsafe(`create database ${TEMPLATE_DATABASE}`);
  await admin.close();
  const template = createClient(cluster.url.replace(/\/wfm$/, `/${TEMPLATE_DATABASE}`), { max: 2 });
  await applyMigrations(template);
  await template.close();
  project.provide("clusterUrl", adminUrl);
  project.provide("publisherUrl", publisher.adminUrl);

  let bundle: ServerBundle | undefined;
  try {
    bundle = process.env.WFM_TEST_SERVER_BUNDLE === "0" ? undefined : await bundleServer(process.cwd());
  } catch (error) {
    await Promise.all([cluster.stop(), publisher.stop()]);
    await fs.rm(base, { recursive: true, force: true });
    throw error;
  }
  project.provide("serverEntry", bundle?.file ?? "");
  // In watch mode, bundled again before each rerun, so the servers run the code as edited.
  if (bundle) project.vitest.onTestsRerun(() => bundle.rebuild());
  return async () => {
    await bundle?.remove();
    await Promise.all([cluster.stop(), publisher.stop()]);
    await fs.rm(base, { recursive: true, force: true });
  };
}
