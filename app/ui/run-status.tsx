import type { RunView } from "@/lib/console/runs";

const tone: Record<RunView["status"], string> = { running: "", succeeded: "ok", partial: "warn", failed: "err" };

/** A run's status as a badge, the same in Sync history and on the run's page; its error as the tooltip. */
export function RunStatusBadge({ run }: { run: Pick<RunView, "status" | "error"> }) {
  return (
    <span className={`badge ${tone[run.status]}`} title={run.error ?? undefined}>
      {run.status}
    </span>
  );
}

/** How long a run took, or has been running: ms under a second, seconds under two minutes, then minutes. */
export function runDuration(run: Pick<RunView, "startedAt" | "finishedAt">): string {
  const ms = (run.finishedAt ? new Date(run.finishedAt).getTime() : Date.now()) - new Date(run.startedAt).getTime();
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}
