/**
 * Which WFM Server synchronizes a site's agents, and what an administrator should know about it (SPEC §2.3):
 * the server the site is assigned to, or else the level-2 server, which syncs every site not assigned
 * elsewhere. With several configuration sources (SPEC §2.9) that scope is taken within a source: the level-2
 * server of the site's switch's source; a site without a switch is covered by every level-2 server, each for
 * the agents of its own source. Pure, so the Sites table and the assignment's answer say the same.
 */
export interface ServerState {
  name: string;
  level: number;
  running: boolean;
  /** The configuration source the server synchronizes. */
  source: string;
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

/** `switchSource`: the source of the site's switch, or null when the site has no switch. */
export function effectiveServer(assigned: string | null, servers: ServerState[], switchSource: string | null = null): EffectiveServer {
  if (assigned !== null) {
    const server = servers.find((s) => s.name === assigned);
    const warning = !server
      ? `${assigned} is not registered`
      : switchSource !== null && server.source !== switchSource
        ? `the site's switch is in source ${switchSource}, but ${assigned} syncs ${server.source}: nothing here is synchronized`
        : server.level === 0
          ? `${assigned} is at level 0: nothing here is synchronized`
          : !server.running
            ? `${assigned} is not running: nothing here is synchronized until it runs`
            : null;
    return { server: assigned, by: "assigned", warning, label: assigned };
  }
  const allLevelTwo = servers.filter((s) => s.level === 2);
  const levelTwo = switchSource === null ? allLevelTwo : allLevelTwo.filter((s) => s.source === switchSource);
  if (levelTwo.length === 0) {
    // Said as before when no server at all is at level 2; else the site's source is the one without.
    const warning = allLevelTwo.length === 0 || switchSource === null
      ? "no server is at level 2, so no server synchronizes unassigned sites"
      : `no server of source ${switchSource} is at level 2, so no server synchronizes its unassigned sites`;
    return { server: null, by: null, warning, label: "none" };
  }
  const [first] = levelTwo;
  // Two level-2 servers of different sources are no misconfiguration: each takes its own source's agents.
  const sameSource = levelTwo.filter((s) => levelTwo.some((o) => o !== s && o.source === s.source));
  const warning =
    sameSource.length > 1
      ? `${sameSource.map((s) => s.name).join(" and ")} are both at level 2: only one should be`
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

/**
 * The sources with more than one server at level 2 (SPEC §2.3, within a source §2.9), each with those servers'
 * names: what the Servers and Sites pages warn about. Level-2 servers of different sources do not overlap.
 */
export function overlappingLevelTwo(servers: Pick<ServerState, "name" | "level" | "source">[]): { source: string; servers: string[] }[] {
  const bySource = new Map<string, string[]>();
  for (const s of servers) if (s.level === 2) bySource.set(s.source, [...(bySource.get(s.source) ?? []), s.name]);
  return [...bySource].filter(([, names]) => names.length > 1).map(([source, names]) => ({ source, servers: names }));
}
