/**
 * Which WFM Server synchronizes a site's agents, and what an administrator should know about it (SPEC §2.3):
 * the server the site is assigned to, or else the level-2 server, which syncs every site not assigned
 * elsewhere. Pure, so the Sites table and the assignment's answer say the same.
 */
export interface ServerState {
  name: string;
  level: number;
  running: boolean;
}

export interface EffectiveServer {
  /** The server that syncs the site, or null when none does. */
  server: string | null;
  /** How it was chosen: assigned explicitly, or the level-2 server by default. */
  by: "assigned" | "default" | null;
  /** The site's agents are not being synchronized now, or two servers claim them: said beside the site. */
  warning: string | null;
  /** In words, for the table: "WFMServer (level 2, by default)". */
  label: string;
}

export function effectiveServer(assigned: string | null, servers: ServerState[]): EffectiveServer {
  if (assigned !== null) {
    const server = servers.find((s) => s.name === assigned);
    const warning = !server
      ? `${assigned} is not registered`
      : server.level === 0
        ? `${assigned} is at level 0: nothing here is synchronized`
        : !server.running
          ? `${assigned} is not running: nothing here is synchronized until it runs`
          : null;
    return { server: assigned, by: "assigned", warning, label: assigned };
  }
  const levelTwo = servers.filter((s) => s.level === 2);
  if (levelTwo.length === 0) return { server: null, by: null, warning: "no server is at level 2, so no server synchronizes unassigned sites", label: "none" };
  const [first] = levelTwo;
  const warning =
    levelTwo.length > 1
      ? `${levelTwo.map((s) => s.name).join(" and ")} are both at level 2: only one should be`
      : !first!.running
        ? `${first!.name} is not running: nothing here is synchronized until it runs`
        : null;
  return { server: first!.name, by: "default", warning, label: `${levelTwo.map((s) => s.name).join(", ")} (level 2, by default)` };
}

/** What an assignment means for the site's agents, when it is not simply "synchronized now". */
export function assignmentConsequence(site: { name: string; agentCount: number }, effective: EffectiveServer): string | null {
  if (!effective.warning) return null;
  const agents = `${site.name}'s ${site.agentCount.toLocaleString("en")} agent${site.agentCount === 1 ? "" : "s"}`;
  if (effective.server === null) return `${agents} are not synchronized: ${effective.warning}.`;
  const server = effective.server;
  return effective.warning.includes("level 0")
    ? `${agents} are not synchronized: ${server} is at level 0.`
    : effective.warning.includes("not running")
      ? `${agents} stop synchronizing until ${server} runs.`
      : `Note: ${effective.warning}.`;
}

/** What a change to a site means for its agents, said after saving it (the Sites page and PATCH /sites/{id}). */
export function siteConsequence(site: { name: string; agentCount: number; synchronizedBy: { server: string | null; by: EffectiveServer["by"]; warning: string | null } }): string | null {
  return assignmentConsequence(site, { ...site.synchronizedBy, label: "" });
}
