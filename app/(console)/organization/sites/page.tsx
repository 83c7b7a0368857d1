import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { listSites } from "@/lib/console/overview";
import { sharedDatabase } from "@/lib/db/shared";

export const metadata: Metadata = { title: "Sites" };

export default async function SitesPage() {
  await verifySession();
  const sites = await listSites(sharedDatabase().sql);
  return (
    <>
      <PageHead title="Sites" description="Each site's switch decides where new agents land; its WFM Server decides who synchronizes it." />
      {sites.length === 0 ? (
        <EmptyState title="No sites yet">
          <p>Sites are WFM objects. Load the demo with <code>npm run demo</code>, or create sites once site editing is available.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Sites</caption>
            <thead>
              <tr>
                <th scope="col">Site</th>
                <th scope="col">Time zone</th>
                <th scope="col">Switch</th>
                <th scope="col">WFM Server</th>
                <th scope="col" className="num">Agents</th>
              </tr>
            </thead>
            <tbody>
              {sites.map((site) => (
                <tr key={site.id}>
                  <td>{site.name}</td>
                  <td>{site.timeZone}</td>
                  <td>{site.switchName ?? (site.switchDbid ? `switch ${site.switchDbid} (not in cfg)` : <span className="badge">none</span>)}</td>
                  <td>{site.server ?? <span className="badge">not assigned</span>}</td>
                  <td className="num">{site.agentCount.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
