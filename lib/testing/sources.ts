/**
 * A test world of two configuration sources, main and eu, reset before each test: cfg and WFM emptied
 * (resetWorld), eu dropped and created afresh so its dbids count from 1 like main's.
 */
import type { Sql } from "../db/client";
import { createSource } from "../config/sources";
import { resetWorld } from "./world";

export async function resetTwoSources(sql: Sql): Promise<void> {
  await resetWorld(sql);
  await sql`drop schema if exists cfg_eu cascade`;
  await sql`delete from wfm.config_sources where name <> 'main'`;
  await createSource(sql, { name: "eu", kind: "local" });
}
