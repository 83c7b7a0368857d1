import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { listServerStatus, type ServerStatus } from "@/lib/console/servers";
import { sharedDatabase } from "@/lib/db/shared";

export const metadata: Metadata = { title: "Servers" };
export const dynamic = "force-dynamic";

const secondsAgo = (at: Date) => Math.max(0, Math.round((Date.now() - new Date(at).getTime()) / 1000));

function Instances({ server }: { server: ServerStatus }) {
  if (server.instances.length === 0) return <span className="badge warn">not running</span>;
  return (
    <ul className="plain">
      {server.instances.map((i) => (
        <li key={i.id}>
          <span className={`badge ${i.stale ? "err" : i.role === "primary" ? "ok" : ""}`}>{i.stale ? "no heartbeat" : i.role}</span>{" "}
          {i.host}:{i.port ?? "—"} (pid {i.pid}), heartbeat {secondsAgo(i.heartbeatAt)} s ago
          {i.meshPeers && (
            <ul className="plain mesh-peers" aria-label={`Mesh links of ${server.name} on ${i.host}:${i.port}`}>
              {i.meshPeers.length === 0 && <li className="muted">mesh: no links yet</li>}
              {i.meshPeers.map((p) => (
                <li key={p.url}>
                  <span className={`badge ${p.state === "connected" ? "ok" : p.state === "down" ? "err" : "warn"}`}>{p.state}</span> {p.url}
                  {p.error && <span className="muted"> — {p.error}</span>}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

function CurrentRun({ server }: { server: ServerStatus }) {
  const run = server.currentRun;
  if (!run) return <span className="muted">idle</span>;
  const percent = run.total > 0 ? Math.min(100, Math.round((100 * run.done) / run.total)) : 0;
  return run.kind === "realtime" ? (
    <span>real-time: {run.done.toLocaleString("en")} changes read</span>
  ) : (
    <span>
      {run.kind} sync ({run.trigger}) <progress max={100} value={percent} aria-label={`Run ${run.id}: ${percent}%`} /> {percent}%
    </span>
  );
}

export default async function ServersPage() {
  await verifySession();
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
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">WFM Servers</caption>
            <thead>
              <tr>
                <th scope="col">Server</th>
                <th scope="col" className="num">Sync level</th>
                <th scope="col" className="num">Full sync every</th>
                <th scope="col">Web events</th>
                <th scope="col">Instances</th>
                <th scope="col" className="num">Cursor lag</th>
                <th scope="col">Now</th>
              </tr>
            </thead>
            <tbody>
              {servers.map((server) => (
                <tr key={server.name}>
                  <td>{server.name}</td>
                  <td className="num">{server.syncLevel}</td>
                  <td className="num">{server.syncTimeoutMinutes === 0 ? "start-up only" : `${server.syncTimeoutMinutes} min`}</td>
                  <td>{server.webEvents ? "on" : "off"}</td>
                  <td>
                    <Instances server={server} />
                  </td>
                  <td className="num">
                    {server.cursorLag === 0 ? "up to date" : `${server.cursorLag.toLocaleString("en")} changes (${server.cursorLagSeconds.toFixed(1)} s)`}
                  </td>
                  <td>
                    <CurrentRun server={server} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
