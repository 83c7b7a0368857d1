"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { SecondsAgo } from "@/app/ui/elapsed";
import { LocalTime } from "@/app/ui/local-time";
import { useState } from "react";
import type { ServerStatus } from "@/lib/console/servers";
import { FormStatus } from "@/app/ui/form-status";
import { useFormAction } from "@/app/ui/use-form-action";
import { runFullSyncAction } from "./actions";
import { SubmitButton } from "@/app/ui/submit-button";
import { TableScroll } from "@/app/ui/table-scroll";


function RunFullSync({ server }: { server: ServerStatus }) {
  const [state, action, pending] = useFormAction(runFullSyncAction);
  // "Queued" answers the click until a run newer than any known at the click shows (in Now, or finished);
  // "started (run N)" stays, naming the run.
  const [knownAtClick, setKnownAtClick] = useState<number | null>(null);
  const newest = Math.max(server.currentRun?.kind === "realtime" ? 0 : (server.currentRun?.id ?? 0), server.lastFullSync?.id ?? 0);
  const caughtUp = knownAtClick !== null && newest > knownAtClick;
  const showMessage = !state.ok || typeof state.runId === "number" || !caughtUp;
  return (
    <form action={action} onSubmit={() => setKnownAtClick(Math.max(server.currentRun?.id ?? 0, server.lastFullSync?.id ?? 0))} className="inline-form">
      <input type="hidden" name="server" value={server.name} />
      <SubmitButton className="button small" aria-label={`Run full sync on ${server.name}`} pending={pending}>
        {pending ? "Starting…" : "Run full sync"}
      </SubmitButton>
      <FormStatus state={state} shown={showMessage} />
      {typeof state.runId === "number" && (
        <Link href={`/sync/${state.runId}`} className="watch-run">
          Watch run {state.runId} →
        </Link>
      )}
    </form>
  );
}

/** Where a full or targeted run is: counting what to compare, applying batches, or finishing (logging, cursors). */
function phase(run: { done: number; total: number }): string {
  if (run.total === 0) return "counting";
  if (run.done < run.total) return `batch: ${run.done.toLocaleString("en")} of ${run.total.toLocaleString("en")} agents`;
  return "finishing";
}

function Now({ server }: { server: ServerStatus }) {
  const run = server.currentRun;
  const last = server.lastFullSync;
  if (!run) {
    return last ? (
      <span className="muted">
        idle — last full sync{" "}
        <Link href={`/sync/${last.id}`} aria-label={`Last full sync of ${server.name}: run ${last.id}, ${last.status}`}>
          run {last.id}
        </Link>{" "}
        <span className={`badge ${last.status === "succeeded" ? "ok" : last.status === "partial" ? "warn" : "err"}`}>{last.status}</span>
        {last.finishedAt && (
          <>
            {" "}
            <LocalTime at={last.finishedAt} compact />
          </>
        )}
        {last.why && <span className="run-why"> — {last.why}</span>}
      </span>
    ) : (
      <span className="muted">idle — no full sync yet</span>
    );
  }
  if (run.kind === "realtime") return <span>real-time: {run.done.toLocaleString("en")} changes read</span>;
  const percent = run.total > 0 ? Math.min(100, Math.round((100 * run.done) / run.total)) : 0;
  return (
    <span>
      <Link href={`/sync/${run.id}`} aria-label={`Current run of ${server.name}: run ${run.id}`}>
        run {run.id}
      </Link>
      : {run.kind} sync ({run.trigger}) <progress max={100} value={percent} aria-label={`Progress of run ${run.id}`} /> {percent}% <span className="muted">{phase(run)}</span>
    </span>
  );
}

/** The servers table, refreshed every second while the page is open (progress bars, heartbeats, lag). */
export function ServersTable({ initial, canRunFullSync }: { initial: ServerStatus[]; canRunFullSync: boolean }) {
  const { data: servers } = useQuery({
    queryKey: ["servers"],
    queryFn: async (): Promise<ServerStatus[]> => {
      const response = await fetch("/api/v1/servers", { cache: "no-store" });
      if (!response.ok) throw new Error(`GET /api/v1/servers answered ${response.status}`);
      return (await response.json()).items;
    },
    initialData: initial,
    refetchInterval: 1000,
  });
  return (
    <TableScroll label="WFM Servers">
      <table className="data">
        <caption className="visually-hidden">WFM Servers</caption>
        <thead>
          <tr>
            <th scope="col">Server</th>
            <th scope="col">Source</th>
            <th scope="col" className="num">Sync level</th>
            <th scope="col" className="num">Full sync every</th>
            <th scope="col">Web events</th>
            <th scope="col">Instances</th>
            <th scope="col" className="num">Cursor lag</th>
            <th scope="col">Now</th>
            {canRunFullSync && <th scope="col"><span className="visually-hidden">Actions</span></th>}
          </tr>
        </thead>
        <tbody>
          {servers.map((server) => (
            <tr key={server.name}>
              <td>{server.name}</td>
              <td>{server.source}</td>
              <td className="num">{server.syncLevel}</td>
              <td className="num">{server.syncTimeoutMinutes === 0 ? "start-up only" : `${server.syncTimeoutMinutes} min`}</td>
              <td>{server.webEvents ? "on" : "off"}</td>
              <td>
                {server.instances.length === 0 ? (
                  <span className="badge warn">not running</span>
                ) : (
                  <ul className="plain">
                    {server.instances.map((i) => (
                      <li key={i.id}>
                        <span className={`badge ${i.stale ? "err" : i.role === "primary" ? "ok" : ""}`}>{i.stale ? "no heartbeat" : i.role}</span>{" "}
                        {i.host}:{i.port ?? "—"} (pid {i.pid}), heartbeat <SecondsAgo at={i.heartbeatAt} />
                        {i.problem && (
                          <p className="alert error instance-problem" role="alert">
                            {i.problem}.{" "}
                            {/^source \S+ down/.test(i.problem)
                              ? "WFM keeps what arrived; changes made there meanwhile arrive when its Configuration Database is reachable again (see Sources)."
                              : "Its cursor does not move until this is solved; a full sync (Run full sync) brings WFM to cfg meanwhile."}
                          </p>
                        )}
                        {i.meshPeers && (
                          <ul className="plain mesh-peers" aria-label={`Mesh links of ${server.name} on ${i.host}:${i.port}`}>
                            {i.meshPeers.length === 0 && <li className="muted">mesh: no links yet</li>}
                            {i.meshPeers.map((p) => (
                              <li key={p.url}>
                                <span className={`badge ${p.state === "connected" ? "ok" : p.state === "down" ? "err" : "warn"}`}>{p.state}</span> {p.url}
                                {p.error && <span className="muted"> — {p.error}</span>}
                              </li>
                            ))}
                          </ul>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td className="num">
                {server.cursorLag === 0 ? "up to date" : `${server.cursorLag.toLocaleString("en")} changes (${server.cursorLagSeconds.toFixed(1)} s)`}
              </td>
              <td>
                <Now server={server} />
              </td>
              {canRunFullSync && (
                <td>
                  <RunFullSync server={server} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
