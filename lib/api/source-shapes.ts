/**
 * What the REST API answers about configuration sources (SPEC §6.1 "source", §2.9), as zod schemas beside
 * `./shapes`: the OpenAPI document is generated from them and the end-to-end tests parse real answers with them.
 */
import { z } from "zod";
import type { SourceSummary } from "../config/sources";

export const sourceShape = z
  .object({
    name: z.string().describe("the source's name: a lower-case letter, then up to 30 lower-case letters, digits or underscores"),
    kind: z.enum(["local", "replicated"]).describe("local: written in the WFM database (config API, SQL); replicated: copied from its own PostgreSQL"),
    schema: z.string().describe("the schema that holds its cfg tables in the WFM database: cfg for main, cfg_<name> for the others"),
    createdAt: z.string().describe("an ISO 8601 date and time"),
    feedSeq: z.number().int().describe("the position of its change feed: the seq of its latest change"),
    counts: z.object({
      tenants: z.number().int(),
      persons: z.number().int().describe("persons in its Configuration Database"),
      agents: z.number().int().describe("agents in WFM imported from it"),
    }),
    servers: z.array(z.string()).describe("the WFM Servers that belong to it"),
    replication: z
      .object({
        state: z.enum(["copying", "streaming", "catching up", "down"]).describe("copying: the initial copy; catching up: more than 1 MB or 5 s behind"),
        publisher: z.string().describe("host:port/database of its Configuration Database (never a user or password)"),
        copy: z
          .object({ tablesDone: z.number().int(), tables: z.number().int(), rowsCopied: z.number().int() })
          .nullable()
          .describe("the initial copy while it lasts: tables copied of those published, rows copied so far in the others"),
        lagBytes: z.number().int().nullable().describe("WAL the publisher has that WFM has not confirmed; null when the publisher cannot be asked"),
        lagSeconds: z.number().nullable().describe("how far behind WFM's apply is, in seconds; 0 when caught up, null while copying or when unknown"),
        lastMessageAt: z.string().nullable().describe("an ISO 8601 date and time: the last message from the publisher"),
        downSince: z.string().nullable().describe("an ISO 8601 date and time, when down"),
        problem: z.string().nullable().describe("why it is down, when known"),
      })
      .nullable()
      .describe("null for a local source"),
  })
  .meta({ id: "Source" });

export type SourceView = z.output<typeof sourceShape>;

/**
 * DELETE /sources/{name}'s query string: `force=true` deletes a replicated source even when its Configuration
 * Database cannot be reached to drop its replication slot (the slot is then left there, and named).
 */
export const deleteSourceQuery = z.strictObject({
  force: z
    .enum(["true", "false"], { error: "force is true or false" })
    .optional()
    .transform((value) => value === "true")
    .describe(
      "true: when a replicated source's Configuration Database cannot be reached, delete the source in WFM anyway and leave its replication slot there (answered with 200, naming it); default false: refuse (503)",
    ),
});

/** What DELETE /sources/{name}?force=true answers when it left a replication slot on the publisher. */
export const sourceDeletedShape = z
  .object({
    name: z.string().describe("the source deleted, with its schema and subscription"),
    slotLeft: z
      .object({
        slot: z.string().describe("the replication slot left in the source's Configuration Database: it keeps WAL there until dropped"),
        publisher: z.string().describe("host:port/database of that Configuration Database (never a user or password)"),
        drop: z.string().describe("the SQL that drops the slot, to run in that database: SELECT pg_drop_replication_slot('…');"),
      })
      .describe("what is left to do by hand on the publisher"),
  })
  .meta({ id: "SourceDeleted" });

export type SourceDeleted = z.output<typeof sourceDeletedShape>;

/** A source as the API answers it (dates as ISO 8601 text). */
export function sourceView(source: SourceSummary): SourceView {
  const r = source.replication;
  return {
    ...source,
    createdAt: source.createdAt.toISOString(),
    counts: { ...source.counts },
    servers: [...source.servers],
    replication: r && { ...r, lastMessageAt: r.lastMessageAt?.toISOString() ?? null, downSince: r.downSince?.toISOString() ?? null },
  };
}
