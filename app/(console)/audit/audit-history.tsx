import Link from "next/link";
import { auditFilter, listAudit, type AuditObjectType } from "@/lib/console/audit";
import { sharedDatabase } from "@/lib/db/shared";
import { AuditTable } from "./audit-table";

/** How many lines a History panel shows before it links the rest on the Audit page. */
export const HISTORY_LINES = 20;

/**
 * The History panel of an agent, a site or a server: the last lines of the audit trail about it — who
 * terminated, moved, assigned or changed it by hand, and when — with a link to the rest on the Audit page.
 */
export async function AuditHistory({ objectType, objectKey, title = "History" }: { objectType: AuditObjectType; objectKey: string | number; title?: string }) {
  const { sql } = sharedDatabase();
  const key = String(objectKey);
  const { items, next } = await listAudit(sql, auditFilter.parse({ objectType, objectKey: key, limit: HISTORY_LINES }));
  const headingId = `history-${objectType}-${key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const all = `/audit?${new URLSearchParams({ objectType, objectKey: key })}`;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {items.length === 0 ? (
        <p className="muted">Nobody has changed this {objectType} by hand yet.</p>
      ) : (
        <>
          <AuditTable lines={items} label={`${title} of this ${objectType}`} />
          {next && (
            <p>
              The last {HISTORY_LINES} changes. <Link href={all}>All of them on the Audit page</Link>
            </p>
          )}
        </>
      )}
    </section>
  );
}
