import type { Metadata } from "next";
import Link from "next/link";
import { firstValue, type SearchParams } from "@/app/lib/search-params";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { LiveRefresh } from "@/app/ui/live-refresh";
import { LocalTime } from "@/app/ui/local-time";
import { RunStatusBadge, runDuration } from "@/app/ui/run-status";
import { listRuns, runFilter, type RunFilter } from "@/lib/console/runs";
import { listServerStatus } from "@/lib/console/servers";
import { RunsChart } from "./runs-chart";
import { sharedDatabase } from "@/lib/db/shared";

export const metadata: Metadata = { title: "Sync history" };
export const dynamic = "force-dynamic";

const KINDS = runFilter.shape.kind.unwrap().options;
const STATUSES = runFilter.shape.status.unwrap().options;

export default async function SyncHistoryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await verifySession();
  const { sql } = sharedDatabase();
  const params = await searchParams;
  // A filter value that is not valid (typed into the address bar) is left out rather than failing the page.
  const valid = <K extends "server" | "kind" | "status" | "cursor">(key: K) => {
    const checked = runFilter.shape[key].safeParse(firstValue(params[key]) || undefined);
    return checked.success ? (checked.data as RunFilter[K]) : undefined;
  };
  const filter = { server: valid("server"), kind: valid("kind"), status: valid("status") };
  const cursor = valid("cursor");
  const [{ items: runs, next }, servers] = await Promise.all([listRuns(sql, { ...filter, cursor, limit: 200 }), listServerStatus(sql)]);
  const older = next ? `/sync?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v)), cursor: next })}` : null;
  const points = [...runs].reverse().map((run) => ({
    id: run.id,
    label: `#${run.id}`,
    seconds: run.kind !== "realtime" && run.finishedAt ? (new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime()) / 1000 : null,
    changes: run.counts.added + run.counts.updated + run.counts.terminated,
  }));
  return (
    <>
      <PageHead title="Sync history" description="Every full, real-time and targeted synchronization run, newest first, with what it changed." />
      {/* Live while runs are going; new runs appear within 10 s on the first page. */}
      <LiveRefresh busy={runs.some((run) => run.status === "running")} idleMs={cursor ? null : 10_000} />
      <form className="filters" aria-label="Run filters" action="/sync">
        <label>
          Server
          <select name="server" defaultValue={filter.server ?? ""}>
            <option value="">All servers</option>
            {servers.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select name="kind" defaultValue={filter.kind ?? ""}>
            <option value="">All kinds</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" defaultValue={filter.status ?? ""}>
            <option value="">All statuses</option>
            {STATUSES.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button small">Filter</button>
      </form>
      {runs.length === 0 ? (
        <EmptyState title={filter.server || filter.kind || filter.status ? "No run matches these filters" : "No synchronization has run yet"}>
          <p>{filter.server || filter.kind || filter.status ? "Clear a filter to see more runs." : "Runs appear here as soon as a WFM Server starts synchronizing."}</p>
        </EmptyState>
      ) : (
        <>
        {points.length > 1 && <RunsChart points={points} />}
        <div className="table-wrap">
          <table className="data compact">
            <caption className="visually-hidden">Sync runs</caption>
            <thead>
              <tr>
                <th scope="col" className="num">Run</th>
                <th scope="col">Server</th>
                <th scope="col">Kind</th>
                <th scope="col">Trigger</th>
                <th scope="col" className="num">Level</th>
                <th scope="col">By</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col" className="num">Duration</th>
                <th scope="col" className="num">Added</th>
                <th scope="col" className="num">Updated</th>
                <th scope="col" className="num">Terminated</th>
                <th scope="col" className="num">Skipped</th>
                <th scope="col" className="num">Errors</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id}>
                  <td className="num">
                    <Link href={`/sync/${run.id}`}>{run.id}</Link>
                  </td>
                  <td>{run.server}</td>
                  <td>{run.kind}</td>
                  <td>{run.trigger}</td>
                  <td className="num">{run.level}</td>
                  <td>{run.requestedBy ?? "—"}</td>
                  <td>
                    <RunStatusBadge run={run} />
                  </td>
                  <td className="nowrap">
                    <LocalTime at={run.startedAt} compact />
                  </td>
                  <td className="num">{runDuration(run)}</td>
                  <td className="num">{run.counts.added.toLocaleString("en")}</td>
                  <td className="num">{run.counts.updated.toLocaleString("en")}</td>
                  <td className="num">{run.counts.terminated.toLocaleString("en")}</td>
                  <td className="num">{run.counts.skipped.toLocaleString("en")}</td>
                  <td className="num">{run.counts.errors.toLocaleString("en")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {(older || cursor) && (
          <p className="pager">
            {cursor && <Link href={`/sync?${new URLSearchParams(Object.fromEntries(Object.entries(filter).filter(([, v]) => v)) as Record<string, string>)}`}>← Newest runs</Link>}
            {older && <Link href={older}>Older runs →</Link>}
          </p>
        )}
        </>
      )}
    </>
  );
}
