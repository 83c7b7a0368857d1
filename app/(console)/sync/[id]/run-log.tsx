"use client";

import { useQuery } from "@tanstack/react-query";
import type { EventView, RunView } from "@/lib/console/runs";
import { LocalTime } from "@/app/ui/local-time";

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json() as Promise<T>;
}

/** The run's progress and log; while the run is going both refresh every second, then they stop. */
export function RunLog({ run: initialRun, events: initialEvents, query }: { run: RunView; events: EventView[]; query: string }) {
  const { data: run } = useQuery({
    queryKey: ["run", initialRun.id],
    queryFn: () => json<RunView>(`/api/v1/sync/runs/${initialRun.id}`),
    initialData: initialRun,
    refetchInterval: (q) => (q.state.data?.status === "running" ? 1000 : false),
  });
  const { data: events } = useQuery({
    queryKey: ["run-events", initialRun.id, query],
    queryFn: async () => (await json<{ items: EventView[] }>(`/api/v1/sync/runs/${initialRun.id}/events?${query}`)).items,
    initialData: initialEvents,
    refetchInterval: run.status === "running" ? 1000 : false,
  });
  const percent = run.progress.total > 0 ? Math.min(100, Math.round((100 * run.progress.done) / run.progress.total)) : run.status === "running" ? 0 : 100;
  return (
    <>
      <p className="row">
        <span className={`badge ${run.status === "succeeded" ? "ok" : run.status === "partial" ? "warn" : run.status === "failed" ? "err" : ""}`}>{run.status}</span>{" "}
        {run.kind !== "realtime" && (
          <>
            <progress max={100} value={percent} aria-label={`Progress of run ${run.id}`} /> {percent}% ({run.progress.done.toLocaleString("en")} of{" "}
            {run.progress.total.toLocaleString("en")})
          </>
        )}
        {run.error && <span className="field-error"> {run.error}</span>}
      </p>
      <p className="muted">
        Added {run.counts.added.toLocaleString("en")} · updated {run.counts.updated.toLocaleString("en")} · terminated {run.counts.terminated.toLocaleString("en")} ·
        skipped {run.counts.skipped.toLocaleString("en")} · errors {run.counts.errors.toLocaleString("en")}
        {run.kind === "realtime" && ` · out of scope ${run.outOfScope.toLocaleString("en")} (counted, not logged)`}
      </p>
      {events.length === 0 ? (
        <p className="muted">No log lines match.</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Run log</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Object</th>
                <th scope="col">Key</th>
                <th scope="col">Action</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">
                    <LocalTime at={e.at} />
                  </td>
                  <td>{e.objectType}</td>
                  <td>{e.objectKey}</td>
                  <td>
                    <span className={`badge ${e.action === "error" ? "err" : e.action === "warning" ? "warn" : ""}`}>{e.action}</span>
                  </td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
