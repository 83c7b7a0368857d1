"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import type { EventView, RunView } from "@/lib/console/runs";
import { ActionBadge } from "@/app/ui/action-badge";
import { LocalTime } from "@/app/ui/local-time";
import { TableScroll } from "@/app/ui/table-scroll";
import { RunStatusBadge, runDuration } from "@/app/ui/run-status";

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json() as Promise<T>;
}

type EventPage = { items: EventView[]; next: string | null };

/**
 * The run's progress and log. While the run is going both refresh every second, then they stop. The log comes
 * in pages of 500 lines; "Show more" fetches the next (a cold full sync of 100,000 agents logs 100,000 lines).
 */
export function RunLog({ run: initialRun, firstPage, query, matching }: { run: RunView; firstPage: EventPage; query: string; matching: number | null }) {
  const { data: run } = useQuery({
    queryKey: ["run", initialRun.id],
    queryFn: () => json<RunView>(`/api/v1/sync/runs/${initialRun.id}`),
    initialData: initialRun,
    refetchInterval: (q) => (q.state.data?.status === "running" ? 1000 : false),
  });
  const log = useInfiniteQuery({
    queryKey: ["run-events", initialRun.id, query],
    queryFn: ({ pageParam }) => json<EventPage>(`/api/v1/sync/runs/${initialRun.id}/events?${query}${pageParam ? `&cursor=${pageParam}` : ""}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.next ?? undefined,
    initialData: { pages: [firstPage], pageParams: [""] },
    // A refetch reloads every page shown: while the run writes, only the first page is kept fresh.
    refetchInterval: (q) => (run.status === "running" && (q.state.data?.pages.length ?? 1) === 1 ? 1000 : false),
  });
  const events = log.data.pages.flatMap((page) => page.items);
  // When the run ends: read the log once more (its last lines may have come after the last poll), and the
  // page's counts and filters, which were made while it ran.
  const router = useRouter();
  const wasRunning = useRef(run.status === "running");
  useEffect(() => {
    if (wasRunning.current && run.status !== "running") {
      wasRunning.current = false;
      void log.refetch();
      router.refresh();
    }
  }, [run.status, log, router]);
  const percent = run.progress.total > 0 ? Math.min(100, Math.round((100 * run.progress.done) / run.progress.total)) : run.status === "running" ? 0 : 100;
  return (
    <>
      <p className="row">
        <RunStatusBadge run={run} />{" "}
        {run.kind !== "realtime" && (
          <>
            <progress max={100} value={percent} aria-label={`Progress of run ${run.id}`} /> {percent}% ({run.progress.done.toLocaleString("en")} of{" "}
            {run.progress.total.toLocaleString("en")})
          </>
        )}
        {run.error && <span className="field-error"> {run.error}</span>}
      </p>
      <p className="muted">
        Started <LocalTime at={run.startedAt} />
        {run.finishedAt ? (
          <>
            {" "}
            · finished <LocalTime at={run.finishedAt} /> · took {runDuration(run)}
          </>
        ) : (
          <span suppressHydrationWarning> · running for {runDuration(run)}</span>
        )}
      </p>
      <p className="muted">
        Added {run.counts.added.toLocaleString("en")} · updated {run.counts.updated.toLocaleString("en")} · terminated {run.counts.terminated.toLocaleString("en")} ·
        skipped {run.counts.skipped.toLocaleString("en")} · errors {run.counts.errors.toLocaleString("en")}
        {run.kind === "realtime" && ` · out of scope ${run.outOfScope.toLocaleString("en")} (counted, not logged)`}
      </p>
      {events.length === 0 ? (
        <p className="muted">
          {run.status === "running" && !query ? "No log lines yet: lines appear here as the run changes WFM." : query ? "No log lines match these filters." : "This run logged nothing: it found nothing to change."}
        </p>
      ) : (
        <TableScroll label="Run log">
          <table className="data">
            <caption className="visually-hidden">Run log</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Object</th>
                <th scope="col">Name</th>
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
                  <td>{e.agentId !== null ? <Link href={`/agents/${e.agentId}`}>{e.objectName}</Link> : (e.objectName ?? <span className="muted">—</span>)}</td>
                  <td>{e.objectKey}</td>
                  <td>
                    <ActionBadge action={e.action} />
                  </td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {events.length > 0 && (
        <p className="pager">
          <span className="muted" aria-live="polite">
            {run.status === "running"
              ? `Showing ${events.length.toLocaleString("en")} lines so far`
              : matching === null
                ? `Showing ${events.length.toLocaleString("en")} matching lines${log.hasNextPage ? " so far" : ""}`
                : `Showing ${events.length.toLocaleString("en")} of ${Math.max(matching, events.length).toLocaleString("en")} lines`}
          </span>
          {log.hasNextPage && (
            <button
              type="button"
              className="button small secondary"
              aria-disabled={log.isFetchingNextPage || undefined}
              onClick={() => !log.isFetchingNextPage && log.fetchNextPage()}
            >
              {log.isFetchingNextPage ? "Loading…" : "Show more"}
            </button>
          )}
        </p>
      )}
    </>
  );
}
