import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { listServers } from "@/lib/console/overview";
import { sharedDatabase } from "@/lib/db/shared";

export const metadata: Metadata = { title: "Servers" };

export default async function ServersPage() {
  await verifySession();
  const servers = await listServers(sharedDatabase().sql);
  return (
    <>
      <PageHead title="Servers" description="WFM Servers, their synchronization options and their running instances." />
      {servers.length === 0 ? (
        <EmptyState title="No WFM Server has registered yet">
          <p>A server registers itself the first time it starts. Start one with <code>npm run wfm-server -- --name WFMServer</code>.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">WFM Servers</caption>
            <thead>
              <tr>
                <th scope="col">Server</th>
                <th scope="col" className="num">Sync level</th>
                <th scope="col" className="num">Full sync every</th>
                <th scope="col">Web events</th>
                <th scope="col" className="num">Instances</th>
              </tr>
            </thead>
            <tbody>
              {servers.map((server) => (
                <tr key={server.name}>
                  <td>{server.name}</td>
                  <td className="num">{server.syncLevel}</td>
                  <td className="num">{server.syncTimeoutMin === 0 ? "start-up only" : `${server.syncTimeoutMin} min`}</td>
                  <td>{server.webEvents ? "on" : "off"}</td>
                  <td className="num">{server.instances}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
