import "server-only";
import { announcerOf, joinMesh } from "@/lib/mesh/console-peer";
import type { Announce } from "@/lib/console/sites";
import type { MeshNode } from "@/lib/mesh/node";
import { sharedDatabase } from "@/lib/db/shared";

/**
 * The console joins the mesh once per process, on its first write (SPEC §3), so its writes are announced
 * to every connected WFM Server at once. Without web events anywhere, or without the secret, announcing
 * does nothing and servers learn within CacheSlack.
 */
let joining: Promise<MeshNode | undefined> | undefined;

const log = {
  info: (_obj: object, msg?: string) => msg && console.log(`wfm-sync console: ${msg}`),
  warn: (_obj: object, msg?: string) => msg && console.warn(`wfm-sync console: ${msg}`),
  debug: () => {},
};

export async function consoleAnnounce(): Promise<Announce> {
  joining ??= joinMesh(sharedDatabase().sql, log).catch((error: unknown) => {
    console.warn(`wfm-sync console: could not join the mesh: ${(error as Error).message}`);
    return undefined;
  });
  const node = await joining;
  // The first write may come before the links are up: give them a moment, then announce regardless.
  for (let i = 0; node && node.connected === 0 && i < 20; i++) await new Promise((r) => setTimeout(r, 50));
  return announcerOf(node);
}
