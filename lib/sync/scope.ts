/**
 * Scope (SPEC §2.3), the one rule of which agents a WFM Server synchronizes, decided by the agent's site: its
 * WFM site when it has one, else the site its logins point to (sync/agents.ts finds it), or none.
 * - level 0: nothing;
 * - level 1: agents of sites explicitly assigned to this server;
 * - level 2: agents of every site that no other server is assigned, and agents of no site at all.
 * As a TypeScript predicate (the server's cache deciding what a reassignment brought into scope) and as SQL
 * (a full, targeted or real-time batch), checked against each other and the SPEC's table in scope.test.ts.
 */

/** A site as scope sees it: none (no site), or the server it is explicitly assigned to (null: none). */
export type ScopeSite = { server: string | null } | null;

export function inScope(level: number, server: string, site: ScopeSite): boolean {
  if (level === 1) return site !== null && site.server === server;
  if (level === 2) return site === null || site.server === null || site.server === server;
  return false;
}

/**
 * The rule in SQL, over a left-joined `wfm.sites` row `site` (its id null when the agent has no site), with
 * the level and the server's name as SQL expressions (parameters).
 */
export function inScopeSql(site: string, level: string, server: string): string {
  return `((${level} = 1 and ${site}.server = ${server})
        or (${level} = 2 and (${site}.id is null or ${site}.server is null or ${site}.server = ${server})))`;
}

/**
 * The same rule from a server's cached assignments (real-time decides scope with no query, SPEC §3): the
 * ids of the sites assigned to it (`mine`) and to any other server (`others`), as int[] SQL expressions.
 */
export function inScopeByAssignmentsSql(site: string, level: string, mine: string, others: string): string {
  return `((${level} = 1 and ${site}.id = any(${mine}))
        or (${level} = 2 and (${site}.id is null or not ${site}.id = any(${others}))))`;
}
