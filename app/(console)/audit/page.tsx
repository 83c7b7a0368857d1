import type { Metadata } from "next";
import Link from "next/link";
import { firstValue, type SearchParams } from "@/app/lib/search-params";
import { verifySession } from "@/app/lib/session";
import { DateRangeFields } from "@/app/ui/date-range-fields";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { auditFilter, auditObjectNames, listAudit, type AuditFilter } from "@/lib/console/audit";
import { listUsers } from "@/lib/console/overview";
import { sharedDatabase } from "@/lib/db/shared";
import { AuditTable } from "./audit-table";

export const metadata: Metadata = { title: "Audit" };
export const dynamic = "force-dynamic";

const OBJECT_TYPES = auditFilter.shape.objectType.unwrap().options;
const ACTIONS = auditFilter.shape.action.unwrap().options;
const PAGE_LINES = 100;

/**
 * The audit trail: every manual act on agents, sites and servers, newest first. Every signed-in role reads
 * it, viewers included: a viewer reads everything else in the console (users, the sync log with who asked
 * for each run), and the trail holds no secret — names, values and who changed them, never a password,
 * token or address.
 */
export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await verifySession();
  const { sql } = sharedDatabase();
  const params = await searchParams;
  // A filter value that is not valid (typed into the address bar) is left out rather than failing the page.
  const valid = <K extends "user" | "objectType" | "objectKey" | "action" | "from" | "to" | "cursor">(key: K) => {
    const checked = auditFilter.shape[key].safeParse(firstValue(params[key]) || undefined);
    return checked.success ? (checked.data as AuditFilter[K]) : undefined;
  };
  const objectType = valid("objectType");
  const from = valid("from");
  const to = valid("to");
  const filter = {
    user: valid("user"),
    objectType,
    // One object's history (from its History panel): a key means nothing without its type.
    objectKey: objectType ? valid("objectKey") : undefined,
    action: valid("action"),
    from: from?.toISOString(),
    to: to && (!from || to > from) ? to.toISOString() : undefined,
  };
  const cursor = valid("cursor");
  const present = (values: Record<string, string | undefined>) => Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => Boolean(e[1])));
  const [{ items, next }, users] = await Promise.all([listAudit(sql, auditFilter.parse({ ...present(filter), cursor, limit: PAGE_LINES })), listUsers(sql)]);
  const names = await auditObjectNames(sql, filter.objectKey ? [...items, { objectType: filter.objectType!, objectKey: filter.objectKey }] : items);
  const filtered = Object.values(filter).some(Boolean);
  const listUrl = (extra: Record<string, string | undefined> = {}) => `/audit?${new URLSearchParams(present({ ...filter, ...extra }))}`;
  return (
    <>
      <PageHead title="Audit" description="Who terminated, reinstated or moved agents, assigned or changed sites and changed WFM Servers by hand, and when: newest first." />
      <form className="filters" aria-label="Audit filters" action="/audit">
        <label>
          User
          <input type="search" name="user" list="audit-users" defaultValue={filter.user ?? ""} autoComplete="off" />
          <datalist id="audit-users">
            {users.map((u) => (
              <option key={u.id} value={u.username} />
            ))}
          </datalist>
        </label>
        {filter.objectKey ? (
          <>
            <input type="hidden" name="objectType" value={filter.objectType} />
            <input type="hidden" name="objectKey" value={filter.objectKey} />
          </>
        ) : (
          <label>
            Object type
            <select name="objectType" defaultValue={filter.objectType ?? ""}>
              <option value="">All objects</option>
              {OBJECT_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Action
          <select name="action" defaultValue={filter.action ?? ""}>
            <option value="">All actions</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <DateRangeFields from={filter.from} to={filter.to} />
        <button type="submit" className="button small">Filter</button>
      </form>
      {filter.objectKey && (
        <p role="status">
          Only {filter.objectType} {names.get(`${filter.objectType}:${filter.objectKey}`) ?? filter.objectKey}.{" "}
          <Link href={listUrl({ objectKey: undefined })}>Every {filter.objectType}</Link>
        </p>
      )}
      {items.length === 0 ? (
        <EmptyState title={filtered ? "No change matches these filters" : "Nobody has changed anything by hand yet"}>
          <p>
            {filtered
              ? "Clear a filter to see more."
              : "Terminating, reinstating or moving an agent, and changing a site or a WFM Server, on these pages or through the API, appears here."}
          </p>
        </EmptyState>
      ) : (
        <>
          <AuditTable lines={items} label="Audit trail" names={names} />
          {(next || cursor) && (
            <p className="pager">
              {cursor && <Link href={listUrl()}>← Newest changes</Link>}
              {next && <Link href={listUrl({ cursor: next })}>Older changes →</Link>}
            </p>
          )}
        </>
      )}
    </>
  );
}
