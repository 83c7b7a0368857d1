/**
 * The WFM side of a replicated source (SPEC §2.9, issue 14): a PostgreSQL subscription in the WFM database to the
 * publication `npm run cfg-source -- init` made in the source's own Configuration Database. PostgreSQL copies the
 * tables once and then streams every committed change, in commit order, resuming from its replication slot after
 * either side restarts; the replicated feed (source-schema.ts) turns what it applies into the source's change feed.
 *
 * CREATE and DROP SUBSCRIPTION talk to the publisher and cannot run inside a transaction, so registering and
 * deleting a replicated source are steps around them (sources.ts), each undone when the next one fails.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { z } from "zod";
import type { Sql } from "../db/client";
import { DomainError, fieldError } from "../errors";
import { describeConnection, PUBLISHED_TABLES } from "./publisher";
import { publicationOf, subscriptionOf } from "./source-names";

/** A connection string to a Configuration Database, as the console and the API take it: a postgres:// URL. */
export const connectionString = z
  .string({ message: "connection is a PostgreSQL connection URL: postgres://user:password@host:5432/configdb" })
  .trim()
  .max(2000, "connection is at most 2,000 characters")
  .refine((value) => parsedConnection(value) !== null, {
    message: "connection is a PostgreSQL connection URL: postgres://user:password@host:5432/configdb",
  })
  .describe(
    "the Configuration Database, postgres://user:password@host:5432/configdb, where `npm run cfg-source -- init` installed the source; its user needs REPLICATION and SELECT on the source's tables. Never shown back",
  );

function parsedConnection(connection: string): URL | null {
  if (!/^postgres(ql)?:\/\//.test(connection)) return null;
  try {
    const url = new URL(connection);
    return url.hostname ? url : null;
  } catch {
    return null;
  }
}

/** A short-lived client of the publisher, for what only it knows (its slot); never more than one connection. */
function publisherClient(connection: string) {
  return postgres(connection, { max: 1, connect_timeout: 3, idle_timeout: 1, onnotice: () => {}, connection: { application_name: "wfm-sync status" } });
}

/**
 * A new slot name for a source's subscription: `wfm_<name>_<8 hex>`, random so that several WFM databases (or a
 * source registered again after a forced delete left its old slot) may subscribe to one publication. It is kept
 * in wfm.config_sources, so the delete and the status name the very slot.
 */
export function newSlotName(source: string): string {
  return `wfm_${source}_${randomBytes(4).toString("hex")}`;
}

const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Creates the subscription of a registered source (its schema and row exist). Streaming of large transactions
 * stays off: each replicated transaction is applied, and fed, whole at its commit.
 */
export async function subscribe(sql: Sql, source: string, connection: string, slot: string): Promise<void> {
  // The statement holds the password: PostgreSQL must not write it to its log, neither as a statement
  // (log_statement = ddl or all) nor with its error. Setting those is a superuser's right; a user who may not
  // (pg_create_subscription, PostgreSQL 16) keeps the server's settings — see the README.
  const session = await sql.reserve();
  try {
    const quiet = await session`set log_statement = 'none'`.then(
      async () => {
        await session`set log_min_error_statement = panic`;
        return true;
      },
      () => false,
    );
    try {
      await session.unsafe(
        `create subscription ${subscriptionOf(source)} connection ${quoteLiteral(connection)} publication ${publicationOf(source)}
         with (slot_name = ${quoteLiteral(slot)}, streaming = off)`,
      );
    } finally {
      if (quiet) {
        await session`reset log_statement`;
        await session`reset log_min_error_statement`;
      }
    }
  } catch (error) {
    throw subscribeError(error, source, connection, slot);
  } finally {
    session.release();
  }
}

function subscribeError(error: unknown, source: string, connection: string, slot: string): Error {
  const e = error as { code?: string; message?: string };
  const where = describeConnection(connection);
  if (e.code === "42710" && /slot/.test(e.message ?? "")) {
    return fieldError(
      "CONFLICT",
      "connection",
      `The Configuration Database at ${where} has a replication slot ${slot} already, : drop it there (SELECT pg_drop_replication_slot('${slot}')) if nothing uses it, and register again.`,
    );
  }
  if (e.code === "42501") {
    return new DomainError(
      "FORBIDDEN",
      "The WFM database's user may not create subscriptions: grant it pg_create_subscription and CREATE on the database (PostgreSQL 16 and later), or make it a superuser (PostgreSQL 15).",
    );
  }
  if (e.code === "08006" || e.code === "08001" || /could not connect/.test(e.message ?? "")) {
    return fieldError("BAD_INPUT", "connection", `The WFM database cannot reach the Configuration Database at ${where}: ${firstLine(e.message)}`);
  }
  return error as Error;
}

const firstLine = (text: string | undefined) => (text ?? "").split("\n")[0]!.replace(/password=\S+/g, "password=…");

/**
 * Drops a source's subscription and, through it, its slot on the publisher. When the publisher cannot be
 * reached the slot cannot be dropped: without `force` the subscription is left running and the caller is told
 * what to do; with it the subscription is detached from its slot and dropped, and the slot stays on the
 * publisher, named in the message, for its DBA to drop.
 */
export async function unsubscribe(sql: Sql, source: string, connection: string, slot: string, options: { force?: boolean } = {}): Promise<{ slotLeft: boolean }> {
  const subscription = subscriptionOf(source);
  const [found] = await sql<{ oid: number; copying: boolean }[]>`
    select s.oid, exists (select 1 from pg_subscription_rel r where r.srsubid = s.oid and r.srsubstate <> 'r') as copying
      from pg_subscription s
     where s.subname = ${subscription} and s.subdbid = (select oid from pg_database where datname = current_database())`;
  if (!found) return { slotLeft: false };
  await sql.unsafe(`alter subscription ${subscription} disable`);
  try {
    await sql.unsafe(`drop subscription ${subscription}`);
    return { slotLeft: false };
  } catch (error) {
    const message = (error as { message?: string }).message ?? "";
    // The slot is gone from the publisher already (dropped there by hand, or the publisher rebuilt): there is
    // nothing left to drop, and nothing to keep the subscription for.
    const slotGone = /replication slot .* does not exist/.test(message);
    const unreachable = /could not connect|connection to server/.test(message);
    if (!slotGone && !unreachable) {
      await sql.unsafe(`alter subscription ${subscription} enable`);
      throw error;
    }
    if (unreachable && !options.force) {
      await sql.unsafe(`alter subscription ${subscription} enable`);
      throw new DomainError(
        "UNAVAILABLE",
        `The source ${source} was not deleted: its Configuration Database at ${describeConnection(connection)} cannot be reached to drop the replication slot ${slot}. Delete it again when that database is back, or delete it anyway (force) and then run SELECT pg_drop_replication_slot('${slot}') there${found.copying ? `, and the same for each slot named pg_${found.oid}_sync_… (its initial copy was under way)` : ""}: until then the slots keep WAL on that server.`,
      );
    }
    await sql.unsafe(`alter subscription ${subscription} set (slot_name = none)`);
    await sql.unsafe(`drop subscription ${subscription}`);
    return { slotLeft: unreachable };
  }
}

export type ReplicationState = "copying" | "streaming" | "catching up" | "down";

export interface ReplicationStatus {
  state: ReplicationState;
  /** host:port/database of the Configuration Database: never its user or password. */
  publisher: string;
  /** The initial copy, while it lasts: tables copied of those published, and rows copied so far in the others. */
  copy: { tablesDone: number; tables: number; rowsCopied: number } | null;
  /** WAL the publisher has and WFM has not confirmed, from the publisher's slot; null when it cannot be asked. */
  lagBytes: number | null;
  /** How far behind WFM's apply is in time; 0 when caught up, null when unknown. */
  lagSeconds: number | null;
  /** The last message WFM's apply worker had from the publisher (data or keepalive). */
  lastMessageAt: Date | null;
  /** Set when down: since when, as well as WFM knows (the last time it saw the subscription receiving). */
  downSince: Date | null;
  /** Why it is down, when known. */
  problem: string | null;
}

/** Lag up to this is streaming; beyond it, catching up. */
const CAUGHT_UP_BYTES = 1024 * 1024;
const CAUGHT_UP_SECONDS = 5;
/** A subscription that heard from its publisher this recently is receiving. */
const RECEIVING_MS = 90_000;
/** How long a new subscription may take to start its workers before it counts as down. */
const STARTING_MS = 30_000;

interface SubscriberView {
  enabled: boolean | null;
  pid: number | null;
  lastMessageAt: Date | null;
  latestEndAt: Date | null;
  tables: number;
  tablesDone: number;
  rowsCopied: number;
  streamingSeenAt: Date | null;
  createdAt: Date;
  /** The subscription's workers running now: its apply worker and any table sync workers of the copy. */
  workers: number;
}

/**
 * The subscription's state, from the WFM side (pg_subscription, pg_stat_subscription, pg_subscription_rel,
 * pg_stat_progress_copy) and, when `publisher` is not false, from the publisher's slot and walsender. A WFM
 * Server polling its source's health every few seconds passes `publisher: false` and gets no byte lag.
 */
export async function replicationStatus(
  sql: Sql,
  source: { name: string; connection: string; slot: string },
  options: { publisher?: boolean } = {},
): Promise<ReplicationStatus> {
  const subscription = subscriptionOf(source.name);
  const [view] = await sql<SubscriberView[]>`
    select s.subenabled as enabled,
           w.pid, w.last_msg_receipt_time as "lastMessageAt", w.latest_end_time as "latestEndAt",
           (select count(*) from pg_subscription_rel r where r.srsubid = s.oid)::int as tables,
           (select count(*) from pg_subscription_rel r where r.srsubid = s.oid and r.srsubstate in ('r', 's'))::int as "tablesDone",
           coalesce((select sum(p.tuples_processed) from pg_stat_progress_copy p
                      join pg_subscription_rel r on r.srrelid = p.relid and r.srsubid = s.oid
                     where p.datid = (select oid from pg_database where datname = current_database())), 0)::bigint as "rowsCopied",
           c.streaming_seen_at as "streamingSeenAt", c.created_at as "createdAt",
           (select count(*) from pg_stat_subscription a where a.subid = s.oid and a.pid is not null)::int as workers
      from wfm.config_sources c
      left join pg_subscription s on s.subname = ${subscription}
                                 and s.subdbid = (select oid from pg_database where datname = current_database())
      left join pg_stat_subscription w on w.subid = s.oid and w.relid is null
     where c.name = ${source.name}`;
  if (!view) throw new DomainError("NOT_FOUND", `There is no configuration source named "${source.name}".`);
  const publisher = describeConnection(source.connection);
  const base = {
    publisher,
    // Once the apply worker has gone (the publisher down), its statistics go with it: the last time WFM saw
    // the subscription up is the best "last message" there is.
    lastMessageAt: view.lastMessageAt ?? view.streamingSeenAt,
    copy: view.tables > 0 && view.tablesDone < PUBLISHED_TABLES.length ? { tablesDone: view.tablesDone, tables: PUBLISHED_TABLES.length, rowsCopied: Number(view.rowsCopied) } : null,
  };
  const seen = [view.streamingSeenAt, view.lastMessageAt].filter((d): d is Date => d !== null);
  const downSince = seen.length > 0 ? new Date(Math.max(...seen.map((d) => d.getTime()))) : view.createdAt;
  if (view.enabled === null) {
    return { ...base, state: "down", lagBytes: null, lagSeconds: null, downSince, problem: `The subscription ${subscription} is missing from the WFM database: delete the source and register it again.` };
  }
  let lagBytes: number | null = null;
  let replayLag: number | null = null;
  let problem: string | null = null;
  if (options.publisher !== false) {
    const client = publisherClient(source.connection);
    try {
      const [slot] = await client<{ lagBytes: string | null; active: boolean; replayLag: number | null }[]>`
        select (pg_current_wal_lsn() - s.confirmed_flush_lsn)::bigint::text as "lagBytes", s.active,
               (select extract(epoch from r.replay_lag)::float8 from pg_stat_replication r where r.pid = s.active_pid) as "replayLag"
          from pg_replication_slots s where s.slot_name = ${source.slot}`;
      if (!slot) problem = `The Configuration Database at ${publisher} has no replication slot ${source.slot}: the subscription cannot resume; delete the source and register it again.`;
      else {
        lagBytes = slot.lagBytes === null ? null : Math.max(0, Number(slot.lagBytes));
        replayLag = slot.replayLag;
      }
    } catch (error) {
      problem = `The Configuration Database at ${publisher} cannot be reached: ${firstLine((error as Error).message)}`;
    } finally {
      await client.end({ timeout: 1 });
    }
  }
  if (!view.enabled) return { ...base, state: "down", lagBytes, lagSeconds: null, downSince, problem: problem ?? `The subscription ${subscription} is disabled.` };
  // WFM's apply worker hearing from the publisher (a keepalive comes at least every wal_sender_timeout / 2,
  // 30 s by default): the connection that matters is the WFM database's, which may reach the publisher when
  // this process cannot — then it streams, with its byte lag unknown here.
  const receiving = view.pid !== null && view.lastMessageAt !== null && Date.now() - view.lastMessageAt.getTime() < RECEIVING_MS;
  if (problem !== null && !receiving) return { ...base, state: "down", lagBytes, lagSeconds: null, downSince, problem };
  const young = Date.now() - view.createdAt.getTime() < STARTING_MS;
  if (base.copy || (view.tablesDone === 0 && young)) {
    // Just registered, its workers not started yet, it is about to copy; with no worker at all for longer, the
    // copy is not under way: its workers fail to start or to connect.
    if (view.workers === 0 && !young) {
      return {
        ...base,
        state: "down",
        lagBytes,
        lagSeconds: null,
        downSince,
        problem: `No worker is copying ${source.name}: WFM's workers for it fail to start or to reach the Configuration Database at ${publisher} (the WFM database's log says why).`,
      };
    }
    await noteStreaming(sql, source.name);
    return { ...base, state: "copying", copy: base.copy ?? { tablesDone: 0, tables: PUBLISHED_TABLES.length, rowsCopied: 0 }, lagBytes, lagSeconds: null, downSince: null, problem: null };
  }
  if (view.pid === null) {
    return { ...base, state: "down", lagBytes, lagSeconds: null, downSince, problem: `WFM's apply worker for ${source.name} is not running: the Configuration Database at ${publisher} is probably down or refusing its connection.` };
  }
  await noteStreaming(sql, source.name);
  // Caught up in bytes is caught up in time: an idle subscription's last message is a keepalive, not lag.
  const lagSeconds =
    replayLag ?? (lagBytes === null ? null : lagBytes <= CAUGHT_UP_BYTES ? 0 : view.latestEndAt ? Math.max(0, (Date.now() - view.latestEndAt.getTime()) / 1000) : null);
  const behind = (lagBytes ?? 0) > CAUGHT_UP_BYTES || (lagSeconds ?? 0) > CAUGHT_UP_SECONDS;
  return { ...base, state: behind ? "catching up" : "streaming", lagBytes, lagSeconds, downSince: null, problem: null };
}

/** Records that the source's subscription was seen up, at most once a second: what "down for N s" counts from. */
export async function noteStreaming(sql: Sql, source: string): Promise<void> {
  await sql`
    update wfm.config_sources set streaming_seen_at = now()
     where name = ${source} and (streaming_seen_at is null or streaming_seen_at < now() - interval '1 second')`;
}
