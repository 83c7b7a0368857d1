import type { Metadata } from "next";
import Link from "next/link";
import { firstValue, type SearchParams } from "@/app/lib/search-params";
import { verifySession } from "@/app/lib/session";
import { DateRangeFields } from "@/app/ui/date-range-fields";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { LiveRefresh } from "@/app/ui/live-refresh";
import { LocalTime } from "@/app/ui/local-time";
import { TableScroll } from "@/app/ui/table-scroll";
import { RunStatusBadge, runDuration } from "@/app/ui/run-status";
import { SortHeader, type SortDirection } from "@/app/ui/sort-header";
import { SourceFilter } from "@/app/ui/source-filter";
import { findAgentForFilter, listRuns, runFilter, type RunFilter } from "@/lib/console/runs";
import { listServerStatus } from "@/lib/console/servers";
import { sourceNames } from "@/lib/console/source-tables";
import { RunsChart } from "./runs-chart";
import { sharedDatabase } from "@/lib/db/shared";
import { text } from "@/lib/input";

export const metadata: Metadata = { title: "Sync history" };
export const dynamic = "force-dynamic";

const KINDS = runFilter.shape.kind.unwrap().options;
/** The Agent field: a username or id as typed (text the database can take: no NUL, at most 200 characters). */
const agentText = text("agent").trim().max(200);
const STATUSES = runFilter.shape.status.unwrap().options;

export default async function SyncHistoryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await verifySession();
  const { sql } = sharedDatabase();
  const params = await searchParams;
  // A filter value that is not valid (typed into the address bar) is left out rather than failing the page.
  const valid = <K extends "server" | "source" | "kind" | "status" | "cursor" | "from" | "to" | "agentId" | "sort" | "dir">(key: K) => {
    const checked = runFilter.shape[key].safeParse(firstValue(params[key]) || undefined);
    return checked.success ? (checked.data as RunFilter[K]) : undefined;
  };
  // The agent: typed as a username (or id) in the form, or an id from a link (Agent Properties).
  const typed = agentText.safeParse(firstValue(params.agent) ?? "");
  const typedAgent = typed.success && typed.data ? typed.data : undefined;
  const agent = typedAgent ? await findAgentForFilter(sql, typedAgent) : null;
  const agentId = typedAgent ? (agent?.id ?? -1) : valid("agentId");
  const agentName = agent?.name ?? (agentId && agentId > 0 ? (await findAgentForFilter(sql, String(agentId), true))?.name : undefined);
  const from = valid("from");
  const to = valid("to");
  // A source no longer there (deleted since the link was made) is left out too, like a malformed one.
  const sources = await sourceNames(sql);
  const source = valid("source");
  const filter = { server: valid("server"), source: source && sources.includes(source) ? source : undefined, kind: valid("kind"), status: valid("status"), from: from?.toISOString(), to: to && (!from || to > from) ? to.toISOString() : undefined, agentId: agentId ? String(agentId) : undefined };
  const cursor = valid("cursor");
  const sort = valid("sort") ?? "id";
  const dir = valid("dir") ?? "desc";
  const filtered = Object.values(filter).some(Boolean);
  const [{ items: runs, next }, servers] = await Promise.all([
    agentId === -1 ? { items: [], next: null } : listRuns(sql, { ...runFilter.parse({ ...filter, sort, dir }), cursor, limit: 200 }),
    listServerStatus(sql),
  ]);
  const present = (values: Record<string, string | undefined>) => Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => Boolean(e[1])));
  const sorted = sort === "id" && dir === "desc" ? {} : { sort, dir };
  const listUrl = (extra: Record<string, string | undefined> = {}) => `/sync?${new URLSearchParams(present({ ...filter, ...sorted, ...extra }))}`;
  const sortUrl = (column: string, direction: SortDirection) =>
    `/sync?${new URLSearchParams(present({ ...filter, ...(column === "id" && direction === "desc" ? {} : { sort: column, dir: direction }) }))}`;
  const older = next ? listUrl({ cursor: next }) : null;
  const header = (label: string, column: string, className?: string) => <SortHeader label={label} column={column} sort={sort} dir={dir} href={sortUrl} className={className} />;
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
        <SourceFilter sources={sources} value={filter.source} />
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
        <label>
          Agent
          <input type="search" name="agent" defaultValue={typedAgent ?? agentName ?? ""} placeholder="Username or id" />
        </label>
        <DateRangeFields from={filter.from} to={filter.to} />
        {Object.entries(sorted).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <button type="submit" className="button small">Filter</button>
        {filtered && (
          <Link href="/sync" className="button small secondary">
            Clear
          </Link>
        )}
      </form>
      {agentId !== undefined && (
        <p className="muted" role="status">
          {agentId === -1 ? `No agent has the username or id “${typedAgent}”.` : `Runs that changed or reported ${agentName ?? `agent ${agentId}`}.`}
        </p>
      )}
      {runs.length === 0 ? (
        <EmptyState title={filtered ? "No run matches these filters" : "No synchronization has run yet"}>
          <p>{filtered ? "Clear a filter to see more runs." : "Runs appear here as soon as a WFM Server starts synchronizing."}</p>
        </EmptyState>
      ) : (
        <>
        {points.length > 1 && <RunsChart points={points} />}
        <TableScroll label="Sync runs">
          <table className="data compact">
            <caption className="visually-hidden">Sync runs</caption>
            <thead>
              <tr>
                {header("Run", "id", "num")}
                <th scope="col">Server</th>
                <th scope="col">Kind</th>
                <th scope="col">Trigger</th>
                <th scope="col" className="num">Level</th>
                <th scope="col">By</th>
                <th scope="col">Status</th>
                <th scope="col">Source</th>
                <th scope="col">Started</th>
                {header("Duration", "duration", "num")}
                {header("Added", "added", "num")}
                {header("Updated", "updated", "num")}
                {header("Terminated", "terminated", "num")}
                {header("Skipped", "skipped", "num")}
                {header("Errors", "errors", "num")}
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
                  <td>{run.source}</td>
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
        </TableScroll>
        {(older || cursor) && (
          <p className="pager">
            {cursor && <Link href={listUrl()}>{sort === "id" && dir === "desc" ? "← Newest runs" : "← First page"}</Link>}
            {older && <Link href={older}>{sort === "id" && dir === "desc" ? "Older runs →" : "Next page →"}</Link>}
          </p>
        )}
        </>
      )}
    </>
  );
}
