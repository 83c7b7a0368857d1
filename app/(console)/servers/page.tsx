import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { can } from "@/lib/auth/roles";
import { assignedSiteCounts, listServerStatus } from "@/lib/console/servers";
import { sharedDatabase } from "@/lib/db/shared";
import { sourceNames } from "@/lib/console/source-tables";
import { overlappingLevelTwo } from "@/lib/console/effective-server";
import { DeleteServerForm } from "./delete-server-form";
import { NewServerForm } from "./new-server-form";
import { OptionsForm } from "./options-form";
import { ServersHistory } from "./servers-history";
import { ServersTable } from "./servers-table";

export const metadata: Metadata = { title: "Servers" };
export const dynamic = "force-dynamic";

export default async function ServersPage({ searchParams }: { searchParams: Promise<{ deleted?: string | string[] }> }) {
  const user = await verifySession();
  const { sql } = sharedDatabase();
  const [servers, siteCounts, sources] = await Promise.all([listServerStatus(sql), assignedSiteCounts(sql), sourceNames(sql)]);
  const { deleted } = await searchParams;
  // A level-2 server takes its own source's sites (SPEC §2.9): two at level 2 overlap only within one source.
  const overlapping = overlappingLevelTwo(servers.map((s) => ({ name: s.name, level: s.syncLevel, source: s.source })));
  return (
    <>
      <PageHead title="Servers" description="WFM Servers, their synchronization options, their running instances and how far each has applied the change feed." />
      {typeof deleted === "string" && !servers.some((s) => s.name === deleted) && (
        <p className="alert success" role="status">
          {deleted} deleted. Its sync history stays in Sync history.
        </p>
      )}
      {overlapping.map(({ source, servers: same }) => (
        <p key={source} className="alert warning" role="status">
          More than one WFM Server is at level 2 ({same.join(", ")}){sources.length > 1 ? ` in source ${source}` : ""}. Only
          one should be: each syncs every site of its source not assigned to another server, so their work overlaps. Set the others to level
          1 and assign them their sites.
        </p>
      ))}
      {servers.length === 0 ? (
        <EmptyState title="No WFM Server has registered yet">
          <p>A server registers itself the first time it starts. Start one with <code>npm run wfm-server -- --name WFMServer</code>.</p>
        </EmptyState>
      ) : (
        <>
          <ServersTable initial={servers} canRunFullSync={can(user, "servers.fullSync")} />
          {can(user, "servers.write") &&
            servers.map((server) => (
              <section key={server.name} className="panel" aria-label={`${server.name} options`}>
                <h2>{server.name}: options</h2>
                <OptionsForm
                  server={server.name}
                  sources={sources}
                  values={{ source: server.source, level: server.syncLevel, timeout: server.syncTimeoutMinutes, cacheSlack: server.cacheSlackSeconds, webEvents: server.webEvents }}
                />
                <DeleteServerForm server={server.name} sites={siteCounts.get(server.name) ?? 0} running={server.instances.some((i) => !i.stale)} />
              </section>
            ))}
          <ServersHistory servers={servers.map((s) => s.name)} />
        </>
      )}
      {can(user, "servers.write") && (
        <section className="panel" aria-label="New server">
          <h2>New server</h2>
          <p className="muted">
            Registers a WFM Server with its options before its first start; the server&apos;s process then takes them from here. A
            server that starts without being registered registers itself with the options on its command line.
          </p>
          <NewServerForm sources={sources} />
        </section>
      )}
    </>
  );
}
