import "server-only";
import { announcerOf, consolePeers, joinMesh } from "@/lib/mesh/console-peer";
import type { Announce } from "@/lib/console/announce";
import type { MeshNode } from "@/lib/mesh/node";
import { sharedDatabase } from "@/lib/db/shared";

/**
 * The console joins the mesh on its first write (SPEC §3), so its writes are announced to every connected
 * WFM Server at once. Without web events anywhere, or without the secret, announcing does nothing and
 * servers learn within CacheSlack. The list of servers is read again at most every 30 s, so a server
 * registered (or given web events) later is linked too.
 */
let joining: Promise<MeshNode | undefined> | undefined;
let peersReadAt = 0;
const PEERS_REFRESH_MS = 30_000;

const log = {
  info: (_obj: object, msg?: string) => msg && console.log(`wfm-sync console: ${msg}`),
  warn: (_obj: object, msg?: string) => msg && console.warn(`wfm-sync console: ${msg}`),
  debug: () => {},
};

export async function consoleAnnounce(): Promise<Announce> {
  const { sql } = sharedDatabase();
  const stale = Date.now() - peersReadAt > PEERS_REFRESH_MS;
  if (stale) peersReadAt = Date.now();
  const known = joining ? await joining : undefined;
  if (!joining || (stale && !known)) {
    joining = joinMesh(sql, log).catch((error: unknown) => {
      console.warn(`wfm-sync console: could not join the mesh: ${(error as Error).message}`);
      return undefined;
    });
  } else if (stale && known) {
    const peers = await consolePeers(sql).catch(() => null);
    if (peers) known.setPeers(peers);
  }
  const node = await joining;
  // The first write may come before the links are up: give them a moment, then announce regardless.
  for (let i = 0; node && node.connected === 0 && i < 20; i++) await new Promise((r) => setTimeout(r, 50));
  return announcerOf(node);
}
