import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { createClient, type Database } from "../db/client";

import { TEMPLATE_DATABASE } from "./template";

export function databaseUrl(name: string): string {
  return inject("clusterUrl").replace(/\/postgres$/, `/${name}`);
}

/**
 * A fresh, migrated database of this test file's own, dropped when the file's tests end. Tests never share
 * rows, so they can run in parallel and in any order.
 */
export async function freshDatabase(options: { max?: number } = {}): Promise<Database> {
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = createClient(inject("clusterUrl"), { max: 1 });
  await admin.sql.unsafe(`create database ${name} template ${TEMPLATE_DATABASE}`);
  await admin.close();
  const database = createClient(databaseUrl(name), { max: options.max ?? 10 });
  afterAll(async () => {
    await dropSubscriptions(database);
    await database.close();
    const cleanup = createClient(inject("clusterUrl"), { max: 1 });
    await cleanup.sql.unsafe(`drop database if exists ${name} with (force)`);
    await cleanup.close();
  });
  return database;
}

/**
 * A database with subscriptions (replicated sources) cannot be dropped. They are detached from their slots
 * first, so this works with the publisher gone too; the publisher's cleanup drops the slots left behind.
 */
async function dropSubscriptions(database: Database) {
  const subscriptions = await database.sql<{ name: string }[]>`
    select subname as name from pg_subscription where subdbid = (select oid from pg_database where datname = current_database())`;
  for (const { name } of subscriptions) {
    await database.sql.unsafe(`alter subscription "${name}" disable`);
    await database.sql.unsafe(`alter subscription "${name}" set (slot_name = none)`);
    await database.sql.unsafe(`drop subscription "${name}"`);
  }
}
