/**
 * Configuration sources (SPEC §2.9, issue 13): listing, creating and deleting them. A local source is a schema
 * `cfg_<name>` in the WFM database with the same tables and change feed as `cfg` (built by `sourceSchemaDdl`).
 * Skeleton: the bodies follow in the next commit.
 */
import { z } from "zod";
import type { Sql } from "../db/client";
import { sourceName } from "./source-names";

export interface SourceSummary {
  name: string;
  kind: "local" | "replicated";
  schema: string;
  createdAt: Date;
  /** The source's change_counter.seq. */
  feedSeq: number;
  /** agents = wfm.agents with that source. */
  counts: { tenants: number; persons: number; agents: number };
  /** Names of the wfm.servers belonging to it. */
  servers: string[];
  /** Replicated sources come with issue 14. */
  replication: null;
}

export const newSourceInput: z.ZodType<{ name: string; kind: "local" }> = z.strictObject({
  name: sourceName("name"),
  kind: z.literal("local").default("local"),
}) as unknown as z.ZodType<{ name: string; kind: "local" }>;

/** Every source, main first, then by name. */
export async function listSources(sql: Sql): Promise<SourceSummary[]> {
  void sql;
  throw new Error("not yet");
}

/** One source, or NOT_FOUND naming it. */
export async function getSource(sql: Sql, name: string): Promise<SourceSummary> {
  void sql;
  void name;
  throw new Error("not yet");
}

export async function createSource(sql: Sql, input: unknown): Promise<SourceSummary> {
  void sql;
  void input;
  throw new Error("not yet");
}

export async function deleteSource(sql: Sql, name: string): Promise<void> {
  void sql;
  void name;
  throw new Error("not yet");
}
