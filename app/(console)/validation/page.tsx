import type { Metadata } from "next";
import Link from "next/link";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { TableScroll } from "@/app/ui/table-scroll";
import { sharedDatabase } from "@/lib/db/shared";
import { validationReport } from "@/lib/console/validation";

export const metadata: Metadata = { title: "Validation" };

const typeNames = { switch: "Switch", timeZone: "Time zone", skill: "Skill" } as const;

export default async function ValidationPage() {
  await verifySession();
  const { sql } = sharedDatabase();
  const { collisions, unassignedAgents, brokenSites } = await validationReport(sql);
  return (
    <>
      <PageHead
        title="Validation"
        description="Switch, time-zone and skill names must be unique across all tenants and all configuration sources. Objects whose names collide are not synchronized until the names are fixed where they are defined."
      />
      <section className="stack" aria-labelledby="duplicates-heading">
        <h2 id="duplicates-heading">Duplicate names</h2>
        {collisions.length === 0 ? (
          <EmptyState title="No duplicate names">
            <p>Every switch, time zone and skill name is unique across tenants and sources.</p>
          </EmptyState>
        ) : (
          <>
            <p className="alert error" role="status">
              {collisions.length} name{collisions.length === 1 ? " collides" : "s collide"} across tenants or sources. Rename all but one of each in
              its Configuration Database; the next full sync then synchronizes them.
            </p>
            <TableScroll label="Duplicate names">
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
                        {c.members.map((m) => `source ${m.source}, tenant ${m.tenantName ?? m.tenantDbid} (dbid ${m.dbid})`).join("; ")}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          </>
        )}
        <h2>Agents without a site</h2>
        <p>
          {unassignedAgents === 0
            ? "Every agent has a site."
            : `${unassignedAgents.toLocaleString("en")} agents have no site: they have no login, logins on several switches, or a switch with no site. `}
          {unassignedAgents > 0 && (
            <>
              <Link href="/agents?site=none">List them</Link>, or <Link href="/organization/sites">associate a site with their switch</Link>.
            </>
          )}
        </p>
        <h2>Sites naming what no longer exists</h2>
        {brokenSites.length === 0 ? (
          <p>Every site&apos;s switch is in its configuration source and its time zone in WFM.</p>
        ) : (
          <>
            <p className="alert warning" role="status">
              {brokenSites.length === 1 ? "A site names" : `${brokenSites.length} sites name`} a switch or time zone deleted since: new agents
              on such a switch are not placed. Edit each site.
            </p>
            <ul>
              {brokenSites.map((site) => (
                <li key={site.id}>
                  <Link href={`/organization/sites/${site.id}`}>{site.name}</Link>:{" "}
                  {[
                    site.missingSwitchDbid !== null && `switch ${site.missingSwitchDbid} is not in source ${site.missingSwitchSource}`,
                    site.missingTimeZone !== null && `time zone ${site.missingTimeZone} is not in WFM`,
                  ]
                    .filter(Boolean)
                    .join("; ")}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
