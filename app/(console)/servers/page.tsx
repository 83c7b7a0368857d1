import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { can } from "@/lib/auth/roles";
import { listServerStatus } from "@/lib/console/servers";
import { sharedDatabase } from "@/lib/db/shared";
import { OptionsForm } from "./options-form";
import { ServersTable } from "./servers-table";

export const metadata: Metadata = { title: "Servers" };
export const dynamic = "force-dynamic";

export default async function ServersPage() {
  const user = await verifySession();
  const servers = await listServerStatus(sharedDatabase().sql);
  const levelTwo = servers.filter((s) => s.syncLevel === 2).map((s) => s.name);
  return (
    <>
      <PageHead title="Servers" description="WFM Servers, their synchronization options, their running instances and how far each has applied the change feed." />
      {levelTwo.length > 1 && (
        <p className="alert warning" role="status">
          More than one WFM Server is at level 2 ({levelTwo.join(", ")}). Only one should be: each syncs every site not
          assigned to another server, so their work overlaps. Set the others to level 1 and assign them their sites.
        </p>
      )}
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
                  level={server.syncLevel}
                  timeout={server.syncTimeoutMinutes}
                  cacheSlack={server.cacheSlackSeconds}
                  webEvents={server.webEvents}
                />
              </section>
            ))}
        </>
      )}
    </>
  );
}
