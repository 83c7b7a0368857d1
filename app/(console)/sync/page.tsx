import type { Metadata } from "next";
import Link from "next/link";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { LocalTime } from "@/app/ui/local-time";
import { listRuns, type RunView } from "@/lib/console/runs";
import { sharedDatabase } from "@/lib/db/shared";

export const metadata: Metadata = { title: "Sync history" };
export const dynamic = "force-dynamic";

const statusBadge: Record<RunView["status"], string> = { running: "", succeeded: "ok", partial: "warn", failed: "err" };

function duration(run: RunView): string {
  const end = run.finishedAt ? new Date(run.finishedAt).getTime() : Date.now();
  const ms = end - new Date(run.startedAt).getTime();
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

export default async function SyncHistoryPage() {
  await verifySession();
  const runs = await listRuns(sharedDatabase().sql, { limit: 200 });
  return (
    <>
      <PageHead title="Sync history" description="Every full, real-time and targeted synchronization run, newest first, with what it changed." />
      {runs.length === 0 ? (
        <EmptyState title="No synchronization has run yet">
          <p>Runs appear here as soon as a WFM Server starts synchronizing.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Sync runs</caption>
            <thead>
              <tr>
                <th scope="col" className="num">Run</th>
                <th scope="col">Server</th>
                <th scope="col">Kind</th>
                <th scope="col">Trigger</th>
                <th scope="col" className="num">Level</th>
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
                  <td>
                    <span className={`badge ${statusBadge[run.status]}`} title={run.error ?? undefined}>{run.status}</span>
                  </td>
                  <td className="nowrap">
                    <LocalTime at={run.startedAt} />
                  </td>
                  <td className="num">{duration(run)}</td>
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
      )}
    </>
  );
}
