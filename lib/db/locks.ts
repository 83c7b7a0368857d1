/**
 * Our PostgreSQL advisory locks, in one namespace so they never meet anyone else's: (namespace, hashtext(key)).
 * - `primary:<server>` — held by a server's primary on a connection of its own for its whole term (SPEC §2.8);
 * - `server:<server>` — one sync run of a server at a time;
 * - `scope` (`scope:<source>` outside main) — full syncs whose scopes overlap never run at once (SPEC §2.3):
 *   level 2 takes its source's exclusively, level 1 shared. Scopes of different sources never overlap (§2.9);
 * - `source:<source>` — registering or deleting a replicated source, whose steps around CREATE and DROP
 *   SUBSCRIPTION cannot share one transaction: one at a time per source name.
 */
export const LOCK_NAMESPACE = 0x5753; // "WS"

export const lockKeys = {
  primary: (server: string) => `primary:${server}`,
  serverRuns: (server: string) => `server:${server}`,
  scope: (source: string) => (source === "main" ? "scope" : `scope:${source}`),
  sourceChange: (source: string) => `source:${source}`,
} as const;
