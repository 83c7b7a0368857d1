/**
 * Deleting a source, as REST and the console answer it (SPEC §2.9, §6): deleteSource, plus — when a forced
 * delete of a replicated source had to leave its replication slot on an unreachable publisher — where that
 * slot is and the SQL that drops it, so the caller can tell the publisher's DBA exactly what to run.
 */
import type { Sql } from "../db/client";
import { describeConnection } from "../config/publisher";
import { deleteSource } from "../config/sources";
import type { SourceDeleted } from "./source-shapes";

export type SlotLeft = SourceDeleted["slotLeft"];

/** The SQL that drops a replication slot, to run on its publisher. */
export const dropSlotSql = (slot: string) => `SELECT pg_drop_replication_slot('${slot.replace(/'/g, "''")}');`;

/**
 * Deletes source `name` (deleteSource's checks and refusals, UNAVAILABLE included when the publisher cannot be
 * reached and `force` is not set); answers the slot left on the publisher, or null when nothing was left.
 */
export async function deleteSourceLeaving(sql: Sql, name: string, options: { force?: boolean } = {}): Promise<SlotLeft | null> {
  // Read before the row goes: where the publisher is, as host:port/database (never the connection string).
  const [row] = await sql<{ connection: string | null }[]>`select connection from wfm.config_sources where name = ${name}`;
  const { slotLeft } = await deleteSource(sql, name, options);
  if (!slotLeft) return null;
  return { slot: slotLeft, publisher: describeConnection(row?.connection ?? ""), drop: dropSlotSql(slotLeft) };
}
