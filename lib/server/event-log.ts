/**
 * The server's lifecycle in its log: one JSON line per event, with `event` naming it (what tests of a
 * server process wait on) and the words an operator reads.
 */
import type { ServerEventMap, ServerEvents } from "./events";
import type { Logger } from "./log";

export function logEvents(events: ServerEvents, log: Logger, server: string): void {
  events.on("role:changed", ({ role }) => {
    log.info({ event: "role:changed", role }, `role: ${role}`);
    if (role === "backup") log.info(`another instance of ${server} is primary; waiting as its backup`);
  });
  events.on("primary:switchover", () => log.warn({ event: "primary:switchover" }, `switchover: the primary of ${server} is gone; this instance takes over`));
  events.on("primary:term:ended", ({ error, retryInMs }) =>
    log.warn({ event: "primary:term:ended", err: error, retryInMs }, `lost the database (${error}); reconnecting in ${retryInMs} ms`),
  );
  events.on("database:lost", ({ error }) => log.warn({ event: "database:lost", err: error }, "heartbeat failed: the database is unreachable"));
  events.on("database:regained", () => log.info({ event: "database:regained" }, "the database is reachable again"));
  events.on("sync:full:start", ({ trigger }) => log.info({ event: "sync:full:start", trigger }, `full sync (${trigger}) starting`));
  events.on("sync:full:finish", ({ trigger, result, seconds }) => logRun(log, "full", { trigger }, result, seconds));
  events.on("sync:targeted:finish", ({ cfgDbid, result, seconds }) => logRun(log, "targeted", { cfgDbid }, result, seconds));
  events.on("sync:full:retry", ({ trigger, inMs, failures }) =>
    log.warn({ event: "sync:full:retry", trigger, inMs, failures }, `the ${trigger} full sync will be tried again in ${Math.round(inMs / 1000)} s`),
  );
  events.on("realtime:batch:applied", ({ batch }) =>
    log.debug({ event: "realtime:batch:applied", from: batch.from, to: batch.to, counts: batch.counts, outOfScope: batch.outOfScope }, "real-time batch applied"),
  );
  events.on("realtime:stuck", ({ error }) => log.error({ event: "realtime:stuck", err: error }, `real-time sync cannot apply the next batch: ${error}`));
  events.on("realtime:resumed", () => log.info({ event: "realtime:resumed" }, "real-time sync moves again"));
  events.on("scope:collisions:changed", () => {
    log.info({ event: "scope:collisions:changed" }, "a name in another configuration source started or stopped colliding with one of ours: a full sync follows");
  });
  events.on("scope:source:changed", ({ source, previous }) => {
    log.info({ event: "scope:source:changed", source, previous }, `configuration source changed from ${previous} to ${source}: a full sync of ${source} follows`);
  });
  events.on("scope:level:changed", ({ level, previous }) => {
    log.info({ event: "scope:level:changed", level, previous }, `SynchronizationLevel changed from ${previous} to ${level}`);
    if (previous === 0) log.info("sync was off: a full sync brings in what changed meanwhile");
  });
  events.on("scope:sites:gained", ({ sites }) =>
    log.info({ event: "scope:sites:gained", sites }, `sites newly in scope (${sites.join(", ")}): a full sync brings in what changed before this server knew`),
  );
  events.on("source:replication:lost", ({ source, since, problem }) =>
    log.warn(
      { event: "source:replication:lost", source, since: since?.toISOString() ?? null, problem },
      `configuration source ${source} is down${problem ? `: ${problem.replace(/\.$/, "")}` : ""}; real-time sync goes on applying what already arrived`,
    ),
  );
  events.on("source:replication:regained", ({ source, state, downSeconds }) =>
    log.info({ event: "source:replication:regained", source, state, downSeconds }, `configuration source ${source} is back (${state}) after ${downSeconds} s down`),
  );
  events.on("cache:reloaded", ({ entities, why }) =>
    log.info({ event: "cache:reloaded", changed: entities, why }, `cache: reloaded ${entities.join(", ")} (timestamp check: ${why})`),
  );
  events.on("instances:dead:removed", (dead) =>
    log.warn({ event: "instances:dead:removed", deadInstance: dead.id, runs: dead.runs, requests: dead.requests }, describeDeadInstance(dead)),
  );
  events.on("server:stopping", ({ reason }) => log.info({ event: "server:stopping", reason }, `stopping: ${reason}`));
  events.on("server:stopped", () => log.info({ event: "server:stopped" }, "stopped"));
}

/** What removing a dead instance did, in words: for a server's log and the launcher's alike. */
export function describeDeadInstance(dead: ServerEventMap["instances:dead:removed"]): string {
  const runs = dead.runs.length ? `; closed its run(s) ${dead.runs.join(", ")} as stopped` : "";
  const requests = dead.requests ? `; ${dead.requests} request(s) it held go back to the queue` : "";
  return `removed an instance of ${dead.server} that stopped heartbeating${runs}${requests}`;
}

function logRun(log: Logger, kind: "full" | "targeted", context: object, result: { runId: number; status: string; counts: object; error?: string }, seconds: number) {
  const line = { event: `sync:${kind}:finish`, ...context, runId: result.runId, status: result.status, counts: result.counts, seconds: Number(seconds.toFixed(3)) };
  if (result.status === "failed") log.error({ ...line, error: result.error }, `${kind} sync failed: ${result.error}`);
  else log.info(line, `${kind} sync ${result.status}`);
}
