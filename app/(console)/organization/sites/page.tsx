import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { can } from "@/lib/auth/roles";
import { listSites } from "@/lib/console/overview";
import { listServerStatus } from "@/lib/console/servers";
import { listFreeSwitches } from "@/lib/console/switches";
import { overlappingLevelTwo } from "@/lib/console/effective-server";
import { sourceNames } from "@/lib/console/source-tables";
import { listTimeZoneNames } from "@/lib/console/time-zones";
import { sharedDatabase } from "@/lib/db/shared";
import { SiteForm } from "./site-form";
import { SitesTable } from "./sites-table";
import { firstValue, type SearchParams } from "@/app/lib/search-params";

export const metadata: Metadata = { title: "Sites" };

export const dynamic = "force-dynamic";

const SITE_SORTS = ["name", "timeZone", "switch", "server", "effective", "agents"] as const;

export default async function SitesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await verifySession();
  const params = await searchParams;
  const sort = SITE_SORTS.find((s) => s === firstValue(params.sort)) ?? "name";
  const dir = firstValue(params.dir) === "desc" ? "desc" : "asc";
  const { sql } = sharedDatabase();
  const [sites, servers, zones, freeSwitches, sources] = await Promise.all([
    listSites(sql),
    listServerStatus(sql),
    listTimeZoneNames(sql),
    listFreeSwitches(sql),
    sourceNames(sql),
  ]);
  const states = servers.map((s) => ({ name: s.name, level: s.syncLevel, source: s.source, running: s.instances.some((i) => i.role === "primary" && !i.stale) }));
  const overlapping = overlappingLevelTwo(states);
  const editable = can(user, "sites.write");
  return (
    <>
      <PageHead title="Sites" description="Each site's switch decides where new agents land; its WFM Server decides who synchronizes it." />
      {overlapping.map(({ source, servers: same }) => (
        <p key={source} className="alert warning" role="status">
          More than one WFM Server is at level 2 ({same.join(", ")}){sources.length > 1 ? ` in source ${source}` : ""}: each synchronizes every
          site of its source not assigned to another server. Keep one at level 2 and assign the others their sites.
        </p>
      ))}
      {sites.length === 0 ? (
        <EmptyState title="No sites yet">
          <p>
            Sites are WFM objects: {editable ? "create the first one below" : "an administrator creates them"}. Each site takes the agents
            who log in on its switch.
          </p>
        </EmptyState>
      ) : (
        <SitesTable sites={sites} servers={states} editable={editable} sort={sort} dir={dir} manySources={sources.length > 1} />
      )}
      {editable && (
        <section className="panel" aria-labelledby="new-site-heading">
          <h2 id="new-site-heading">New site</h2>
          <SiteForm timeZones={zones} switches={[...freeSwitches]} servers={servers.map((s) => s.name)} />
        </section>
      )}
    </>
  );
}
