/**
 * The console joins the mesh as a client peer (SPEC §3): it connects to the servers it is configured with
 * (WFM_MESH_PEERS, else every server recorded in wfm with web events on) and announces its own writes.
 * It never relays. Without the mesh secret it does not join, and says why once; its writes then reach the
 * servers by their timestamp checks.
 */
import type { Sql } from "../db/client";
import type { Announce } from "../console/announce";
import { MeshNode, type MeshLog } from "./node";
import { meshSecret } from "./token";

type Env = Record<string, string | undefined>;

/** The servers the console links to: WFM_MESH_PEERS when set, else every server in wfm with web events on. */
export async function consolePeers(sql: Sql, env: Env = process.env): Promise<string[]> {
  const configured = (env.WFM_MESH_PEERS ?? "").split(",").map((p) => p.trim()).filter(Boolean);
  if (configured.length) return configured;
  return (await sql<{ url: string }[]>`select mesh_url as url from wfm.servers where web_events and mesh_url is not null order by name`).map((r) => r.url);
}

export async function joinMesh(sql: Sql, log: MeshLog, env: Env = process.env): Promise<MeshNode | undefined> {
  const peers = await consolePeers(sql, env);
  if (peers.length === 0) return undefined;
  let secret: string;
  try {
    secret = meshSecret(env);
  } catch (error) {
    log.warn({ peers }, `mesh: the console does not join (${(error as Error).message})`);
    return undefined;
  }
  const node = new MeshNode({ name: "console", secret, peers, log, relay: false });
  node.start();
  return node;
}

export const announcerOf =
  (node: MeshNode | undefined): Announce =>
  (entity, keys, version) => {
    node?.announce(entity, keys, version);
  };
