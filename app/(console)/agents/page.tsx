import type { Metadata } from "next";
import Link from "next/link";
import { firstValue, type SearchParams } from "@/app/lib/search-params";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { SortHeader, type SortDirection } from "@/app/ui/sort-header";
import { TableScroll } from "@/app/ui/table-scroll";
import { SourceFilter } from "@/app/ui/source-filter";
import { agentPage, agentSearch, coldImportUnderway, countAgents, type ImportUnderway as Underway } from "@/lib/console/agents";
import { DomainError } from "@/lib/errors";
import { listSites, totals } from "@/lib/console/overview";
import { sourceNames } from "@/lib/console/source-tables";
import { sharedDatabase } from "@/lib/db/shared";

import { LiveRefresh } from "@/app/ui/live-refresh";

export const metadata: Metadata = { title: "Agents" };
export const dynamic = "force-dynamic";


export default async function AgentsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await verifySession();
  const { sql } = sharedDatabase();
  // A first import holds the agents until it commits: say so, rather than wait for it.
  const importing = await coldImportUnderway(sql);
  if (importing) return <ImportUnderway {...importing} />;
  const params = await searchParams;
  // The filters the form sends, carried over by every page link.
  const filters = {
    q: firstValue(params.q),
    site: firstValue(params.site),
    terminated: firstValue(params.terminated),
    terminationSource: firstValue(params.terminationSource),
    awaitingFullSync: firstValue(params.awaitingFullSync),
    source: firstValue(params.source),
    sort: firstValue(params.sort),
    dir: firstValue(params.dir),
  };
  const parsed = agentSearch.safeParse({ ...filters, cursor: firstValue(params.cursor), before: firstValue(params.before), limit: 50 });
  const sort = parsed.success ? (parsed.data.sort ?? "id") : "id";
  const dir: SortDirection = parsed.success && parsed.data.dir === "desc" ? "desc" : "asc";
  // A cursor the domain refuses (one edited by hand, from an older version) is said like a bad filter, and so
  // is a source that does not exist (typed into the address bar, or removed since).
  let refusal: string | null = null;
  const listed = parsed.success
    ? await Promise.all([agentPage(sql, parsed.data), countAgents(sql, parsed.data)]).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === "NOT_FOUND") refusal = error.message;
        else if (!(error instanceof DomainError && error.code === "BAD_INPUT")) throw error;
        return null;
      })
    : null;
  const [t, sites, sources] = await Promise.all([totals(sql), listSites(sql), sourceNames(sql)]);
  // With one source (as before sources) there is nothing to tell apart: no filter, no column.
  const manySources = sources.length > 1;
  const page = listed ? { ...listed[0], ...listed[1] } : null;
  // Whether agents come before this page (keyset paging does not know without asking: one indexed probe).
  const hasPrevious =
    parsed.success && page?.first && (parsed.data.cursor !== undefined || parsed.data.before !== undefined)
      ? (await agentPage(sql, { ...parsed.data, cursor: undefined, before: page.first, limit: 1 })).items.length > 0
      : false;
  const sortUrl = (column: string, direction: SortDirection) => query({ sort: column === "id" && direction === "asc" ? undefined : column, dir: column === "id" && direction === "asc" ? undefined : direction, cursor: undefined, before: undefined });
  const header = (label: string, column: string) => <SortHeader label={label} column={column} sort={sort} dir={dir} href={sortUrl} firstDir="asc" />;
  const query = (extra: Record<string, string | undefined>) =>
    `/agents?${new URLSearchParams(Object.entries({ ...filters, ...extra }).filter((e): e is [string, string] => Boolean(e[1]))).toString()}`;
  return (
    <>
      <PageHead title="Agents" description="Agents synchronized from the Configuration Database." />
      <div className="grid-stats">
        <Stat label="Agents in WFM" value={t.agents} />
        <Stat label="Agents in the Configuration Database" value={t.cfgPersons} />
        <Stat label="Terminated" value={t.terminated} />
        <Stat label="Without a site" value={t.unassigned} />
      </div>
      {t.agents === 0 ? (
        <EmptyState title="No agents synchronized yet">
          <p>Agents arrive with a WFM Server's first full synchronization. Check the Servers page to see whether one is running.</p>
        </EmptyState>
      ) : (
        <>
          <form className="filters" role="search" action="/agents">
            <label>
              Search
              <input type="search" name="q" defaultValue={firstValue(params.q) ?? ""} placeholder="Name, username or employee id" />
            </label>
            <label>
              Site
              <select name="site" defaultValue={firstValue(params.site) ?? ""}>
                <option value="">All sites</option>
                <option value="none">No site</option>
                {sites.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <SourceFilter sources={sources} value={filters.source} />
            <label>
              Status
              <select name="terminated" defaultValue={firstValue(params.terminated) ?? ""}>
                <option value="">All</option>
                <option value="false">Active</option>
                <option value="true">Terminated</option>
              </select>
            </label>
            <label>
              Termination
              <select name="terminationSource" defaultValue={filters.terminationSource ?? ""}>
                <option value="">Any</option>
                <option value="manual">By hand</option>
                <option value="config">Person left cfg</option>
              </select>
            </label>
            <label>
              Full sync
              <select name="awaitingFullSync" defaultValue={filters.awaitingFullSync ?? ""}>
                <option value="">All</option>
                <option value="true">Awaiting full sync</option>
                <option value="false">Not awaiting</option>
              </select>
            </label>
            {filters.sort && <input type="hidden" name="sort" value={filters.sort} />}
            {filters.dir && <input type="hidden" name="dir" value={filters.dir} />}
            <button type="submit" className="button small">Search</button>
          </form>
          {page && (
            <p className="muted" role="status" aria-live="polite">
              {page.totalIsEstimate ? `About ${page.total.toLocaleString("en")} agents match` : `${page.total.toLocaleString("en")} agent${page.total === 1 ? " matches" : "s match"}`}
.
            </p>
          )}
          {!parsed.success || !page ? (
            <p className="alert error" role="alert">
              {refusal ? (
                refusal
              ) : !parsed.success && !parsed.error.issues.some((i) => i.path[0] === "cursor" || i.path[0] === "before") ? (
                parsed.error.issues[0]!.message
              ) : (
                <>
                  This page link is out of date. <Link href={query({ cursor: undefined, before: undefined })}>Start from the first page</Link>.
                </>
              )}
            </p>
          ) : page!.items.length === 0 ? (
            <EmptyState title="No agent matches">
              <p>Try fewer words, another site, or both statuses.</p>
            </EmptyState>
          ) : (
            <TableScroll label="Agents">
              <table className="data">
                <caption className="visually-hidden">Agents</caption>
                <thead>
                  <tr>
                    {header("Name", "name")}
                    {header("Username", "username")}
                    <th scope="col">Employee id</th>
                    <th scope="col">Site</th>
                    {manySources && <th scope="col">Source</th>}
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {page!.items.map((a) => (
                    <tr key={a.id}>
                      <td>
                        <Link href={`/agents/${a.id}`}>{`${a.firstName} ${a.lastName}`.trim()}</Link>
                      </td>
                      <td>{a.username}</td>
                      <td>{a.employeeId ?? "—"}</td>
                      <td>{a.site?.name ?? <span className="badge">no site</span>}</td>
                      {manySources && <td>{a.source}</td>}
                      <td>
                        {a.terminationDate ? (
                          <span className="badge err">
                            terminated {a.terminationDate} ({a.terminationSource === "manual" ? "by hand" : "left cfg"})
                          </span>
                        ) : a.awaitingFullSync ? (
                          <span className="badge warn">awaiting full sync</span>
                        ) : (
                          <span className="badge ok">active</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          {(page?.next || hasPrevious) && (
            <p className="pager">
              <span>
                {hasPrevious && page?.items[0] && (
                  <>
                    <Link className="button secondary small" href={query({ cursor: undefined, before: undefined })}>
                      First page
                    </Link>{" "}
                    <Link
                      className="button secondary small"
                      href={query({ cursor: undefined, before: page.first ?? undefined })}
                    >
                      ← Previous
                    </Link>
                  </>
                )}
              </span>
              {page?.next && (
                <Link className="button secondary small" href={query({ cursor: page.next, before: undefined })}>
                  Next →
                </Link>
              )}
            </p>
          )}
        </>
      )}
    </>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="stat">
      <div className="label">{label}</div>
      <div className="value">{value.toLocaleString("en")}</div>
    </div>
  );
}

function ImportUnderway({ runId, server, source, done, total }: Underway) {
  const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
  return (
    <>
      <PageHead title="Agents" description="Agents synchronized from the Configuration Database." />
      <EmptyState title="The first import of agents is under way">
        <p>
          {server} is importing the agents of source {source} in one transaction, so the list appears all at once when it
          commits.
        </p>
        <p>
          <progress max={100} value={percent} aria-label={`Progress of run ${runId}`} /> {percent}% ({done.toLocaleString("en")} of{" "}
          {total.toLocaleString("en")} agents) — <Link href={`/sync/${runId}`}>follow run {runId}</Link>
        </p>
      </EmptyState>
      <LiveRefresh busy />
    </>
  );
}
