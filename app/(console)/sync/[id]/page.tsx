import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { firstValue, type SearchParams } from "@/app/lib/search-params";
import { verifySession } from "@/app/lib/session";
import { DateRangeFields } from "@/app/ui/date-range-fields";
import { PageHead } from "@/app/ui/empty-state";
import { eventFilter, getRun, runEventFacets, runEvents } from "@/lib/console/runs";
import { sharedDatabase } from "@/lib/db/shared";
import { DomainError } from "@/lib/errors";
import { idText, BIGINT_ID_MAX } from "@/lib/input";
import { RunLog } from "./run-log";

export const metadata: Metadata = { title: "Sync run" };
export const dynamic = "force-dynamic";


export default async function RunPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<SearchParams> }) {
  await verifySession();
  const parsed = idText("id", BIGINT_ID_MAX).safeParse((await params).id);
  if (!parsed.success) notFound();
  const id = parsed.data;
  const { sql } = sharedDatabase();
  const run = await getRun(sql, id).catch((error: unknown) => {
    if (error instanceof DomainError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const search = await searchParams;
  const asked = { action: firstValue(search.action), objectType: firstValue(search.objectType), q: firstValue(search.q) || undefined, from: firstValue(search.from) || undefined, to: firstValue(search.to) || undefined };
  const filter = eventFilter.safeParse(asked);
  const f = filter.success ? filter.data : eventFilter.parse({});
  const [events, facets] = await Promise.all([runEvents(sql, id, f), runEventFacets(sql, id)]);
  const actions = [...new Set(facets.map((x) => x.action))];
  const types = [...new Set(facets.map((x) => x.objectType))];
  const query = new URLSearchParams(
    Object.entries({ action: f.action, objectType: f.objectType, q: f.q, from: f.from?.toISOString(), to: f.to?.toISOString() }).filter((e): e is [string, string] => Boolean(e[1])),
  ).toString();
  // Text and time narrow the log beyond what the facets count: then the count is the lines shown so far.
  const counted = !f.q && !f.from && !f.to;
  return (
    <>
      <p>
        <Link href="/sync">← Sync history</Link>
      </p>
      <PageHead title={`Run ${run.id}`} description={`${run.kind} sync of ${run.server} (source ${run.source}, trigger ${run.trigger}, level ${run.level}${run.requestedBy && run.requestedBy !== run.server ? `, requested by ${run.requestedBy}` : ""})`} />
      <form className="filters" action={`/sync/${id}`} aria-label="Log filters">
        <label>
          Action
          <select name="action" defaultValue={f.action ?? ""}>
            <option value="">All actions</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a} ({facets.filter((x) => x.action === a).reduce((n, x) => n + x.n, 0).toLocaleString("en")})
              </option>
            ))}
          </select>
        </label>
        <label>
          Object type
          <select name="objectType" defaultValue={f.objectType ?? ""}>
            <option value="">All objects</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t} ({facets.filter((x) => x.objectType === t).reduce((n, x) => n + x.n, 0).toLocaleString("en")})
              </option>
            ))}
          </select>
        </label>
        <label>
          Search
          <input type="search" name="q" defaultValue={f.q ?? ""} placeholder="Name, username, dbid or text" />
        </label>
        <DateRangeFields from={f.from?.toISOString()} to={f.to?.toISOString()} />
        <button type="submit" className="button small">Filter</button>
        <a className="button small secondary" href={`/api/v1/sync/runs/${id}/events?${query ? `${query}&` : ""}format=csv`} download>
          Download CSV
        </a>
      </form>
      {!filter.success && (
        <p className="field-error" role="alert">
          {filter.error.issues[0]!.message}; showing the whole log.
        </p>
      )}
      <RunLog
        run={run}
        firstPage={events}
        query={query}
        matching={counted ? facets.filter((x) => (!f.action || x.action === f.action) && (!f.objectType || x.objectType === f.objectType)).reduce((n, x) => n + x.n, 0) : null}
      />
    </>
  );
}
