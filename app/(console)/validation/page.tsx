import type { Metadata } from "next";
import Link from "next/link";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { sharedDatabase } from "@/lib/db/shared";
import { findCollisions } from "@/lib/sync/collisions";
import { totals } from "@/lib/console/overview";

export const metadata: Metadata = { title: "Validation" };

const typeNames = { switch: "Switch", timeZone: "Time zone", skill: "Skill" } as const;

export default async function ValidationPage() {
  await verifySession();
  const { sql } = sharedDatabase();
  const [collisions, t] = await Promise.all([findCollisions(sql), totals(sql)]);
  return (
    <>
      <PageHead
        title="Validation"
        description="Switch, time-zone and skill names must be unique across all tenants. Objects whose names collide are not synchronized until the names are fixed in the Configuration Database."
      />
      <section className="stack" aria-labelledby="duplicates-heading">
        <h2 id="duplicates-heading">Duplicate names</h2>
        {collisions.length === 0 ? (
          <EmptyState title="No duplicate names">
            <p>Every switch, time zone and skill name is unique across tenants.</p>
          </EmptyState>
        ) : (
          <>
            <p className="alert error" role="status">
              {collisions.length} name{collisions.length === 1 ? " collides" : "s collide"} across tenants. Rename all but one of each in the
              Configuration Database; the next full sync then synchronizes them.
            </p>
            <div className="table-wrap">
              <table className="data">
                <caption className="visually-hidden">Duplicate names</caption>
                <thead>
                  <tr>
                    <th scope="col">Type</th>
                    <th scope="col">Name</th>
                    <th scope="col">Used by</th>
                  </tr>
                </thead>
                <tbody>
                  {collisions.map((c) => (
                    <tr key={`${c.objectType}:${c.name}`}>
                      <td>{typeNames[c.objectType]}</td>
                      <td>{c.name}</td>
                      <td>
                        {c.members.map((m) => `tenant ${m.tenantName ?? m.tenantDbid} (dbid ${m.dbid})`).join(", ")}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
        <h2>Agents without a site</h2>
        <p>
          {t.unassigned === 0
            ? "Every agent has a site."
            : `${t.unassigned.toLocaleString()} agents have no site: they have no login, logins on several switches, or a switch with no site. `}
          {t.unassigned > 0 && (
            <>
              <Link href="/agents?site=none">List them</Link>, or <Link href="/organization/sites">associate a site with their switch</Link>.
            </>
          )}
        </p>
      </section>
    </>
  );
}
