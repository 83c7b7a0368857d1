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
import { env, parseEnv, type EnvRecord } from "../env";

/**
 * The servers the console links to: WFM_MESH_PEERS when set, else every server in wfm with web events on. The
 * environment is process.env, or `record` when given (tests).
 */
export async function consolePeers(sql: Sql, record?: EnvRecord): Promise<string[]> {
  const configured = (record ? parseEnv(record) : env()).meshPeers;
  if (configured.length) return configured;
  return (await sql<{ url: string }[]>`select mesh_url as url from wfm.servers where web_events and mesh_url is not null order by name`).map((r) => r.url);
}

export async function joinMesh(sql: Sql, log: MeshLog, record?: EnvRecord): Promise<MeshNode | undefined> {
  const peers = await consolePeers(sql, record);
  if (peers.length === 0) return undefined;
  let secret: string;
  try {
    secret = meshSecret(record);
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
