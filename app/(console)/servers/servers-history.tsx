import Link from "next/link";
import { LocalTime } from "@/app/ui/local-time";
import { auditFilter, listAudit } from "@/lib/console/audit";
import { sharedDatabase } from "@/lib/db/shared";
import { HISTORY_LINES } from "../audit/audit-history";
import { AuditTable } from "../audit/audit-table";

/**
 * The Servers page's History: per server, who registered it and changed its options, and when — its last lines
 * of the audit trail, folded under one line saying the latest change, so the page stays about the servers.
 */
export async function ServersHistory({ servers }: { servers: string[] }) {
  const { sql } = sharedDatabase();
  const histories = await Promise.all(
    servers.map(async (name) => ({ name, ...(await listAudit(sql, auditFilter.parse({ objectType: "server", objectKey: name, limit: HISTORY_LINES }))) })),
  );
  return (
    <section className="panel" aria-labelledby="servers-history-heading">
      <h2 id="servers-history-heading">History</h2>
      {histories.map(({ name, items, next }) => {
        const latest = items[0];
        return (
          <details key={name}>
            <summary>
              {name}:{" "}
              {latest ? (
                <>
                  {latest.action} <LocalTime at={latest.at} compact /> by {latest.user}
                </>
              ) : (
                "no change by hand recorded"
              )}
            </summary>
            {latest && <AuditTable lines={items} label={`History of ${name}`} />}
            {next && (
              <p>
                The last {HISTORY_LINES} changes. <Link href={`/audit?${new URLSearchParams({ objectType: "server", objectKey: name })}`}>All of them on the Audit page</Link>
              </p>
            )}
          </details>
        );
      })}
      <p className="muted">
        Servers deleted since are in the <Link href="/audit?objectType=server">audit trail</Link>.
      </p>
    </section>
  );
}
