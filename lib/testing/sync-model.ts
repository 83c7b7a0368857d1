/**
 * A small, obviously correct reference model of SPEC §2 (full sync), over plain objects: one agent at a
 * time, no SQL, no batches. Property tests compare the engine against it.
 */

export interface CfgState {
  tenants: { dbid: number; name: string }[];
  switches: { dbid: number; tenant: number; name: string }[];
  timeZones: { dbid: number; tenant: number; name: string; iana: string }[];
  skills: { dbid: number; tenant: number; name: string }[];
  persons: {
    dbid: number;
    tenant: number;
    username: string;
    firstName: string;
    lastName: string;
    email: string | null;
    employeeId: string | null;
    isAgent: boolean;
  }[];
  logins: { dbid: number; switch: number; code: string; person: number | null }[];
  levels: { person: number; skill: number; level: number }[];
}

export interface ModelAgent {
  tenant: number;
  username: string;
  firstName: string;
  lastName: string;
  email: string | null;
  employeeId: string | null;
  siteId: number | null;
  terminationDate: string | null;
  terminationSource: "config" | "manual" | null;
  awaiting: boolean;
  skills: Record<number, number>;
}

export interface WfmState {
  servers: Record<string, number>;
  /** Sites are WFM's, shared by every source; a site's switch names its source (null without a switch). */
  sites: { id: number; name: string; timeZone: string; switchSource: string | null; switch: number | null; server: string | null }[];
  agents: Record<number, ModelAgent>;
  skills: Record<number, { tenant: number; name: string }>;
  timeZones: Record<number, { tenant: number; name: string; iana: string }>;
  users: { id: number; cfgDbid: number | null; username: string; email: string | null }[];
}

export const TODAY = "TODAY";

/** The dbids whose names are used twice in `rows`, or at all in another source (SPEC §2.4, §2.9). */
function colliding<T extends { dbid: number; name: string }>(rows: T[], elsewhere: string[] = []): Set<number> {
  const byName = new Map<string, number[]>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r.dbid]);
  const taken = new Set(elsewhere);
  return new Set([...byName.entries()].filter(([name, ids]) => ids.length > 1 || taken.has(name)).flatMap(([, ids]) => ids));
}

/** The other sources of a several-source world: their cfg (for collisions) and their WFM rows (names held). */
export interface OtherSources {
  cfg: CfgState[];
  wfm: WfmState[];
}

/** Level-2 sync of skills or time zones: remove, rename, add — skipping a name held by a row that stays. */
function syncReference<C extends { dbid: number; name: string }, W extends { name: string }>(
  cfgRows: C[],
  wfm: Record<number, W>,
  collide: Set<number>,
  toWfm: (c: C) => W,
  onRename?: (from: string, to: string) => void,
  heldElsewhere: Set<string> = new Set(),
) {
  const cfgById = new Map(cfgRows.map((c) => [c.dbid, c]));
  const usable = cfgRows.filter((c) => !collide.has(c.dbid));
  const removed = Object.keys(wfm).map(Number).filter((id) => !cfgById.has(id));
  const changed = usable.filter((c) => wfm[c.dbid] && JSON.stringify(toWfm(c)) !== JSON.stringify(wfm[c.dbid]));
  const added = usable.filter((c) => !wfm[c.dbid]);
  // Blocking one rename keeps its old name taken, which may block another: repeat until stable.
  let applyChanged = changed;
  let applyAdded = added;
  for (;;) {
    const moving = new Set([...removed, ...applyChanged.filter((c) => c.name !== wfm[c.dbid]!.name).map((c) => c.dbid)]);
    const blocked = (c: C) =>
      heldElsewhere.has(c.name) ||
      Object.entries(wfm).some(([id, w]) => w.name === c.name && Number(id) !== c.dbid && !moving.has(Number(id)));
    const nextChanged = applyChanged.filter((c) => c.name === wfm[c.dbid]!.name || !blocked(c));
    const nextAdded = applyAdded.filter((c) => !blocked(c));
    if (nextChanged.length === applyChanged.length && nextAdded.length === applyAdded.length) break;
    applyChanged = nextChanged;
    applyAdded = nextAdded;
  }
  for (const id of removed) delete wfm[id];
  for (const c of applyChanged) {
    const before = wfm[c.dbid]!.name;
    wfm[c.dbid] = toWfm(c);
    if (before !== c.name) onRename?.(before, c.name);
  }
  for (const c of applyAdded) wfm[c.dbid] = toWfm(c);
}

/**
 * `realtime`: what real-time sync makes of changes that touched every person (SPEC §2.6, §2.7) — the same
 * as a full sync, except that manually terminated agents and reinstated agents awaiting a full sync are
 * left exactly as they are.
 */
export function modelFullSync(
  cfg: CfgState,
  wfm: WfmState,
  server: string,
  options: { realtime?: boolean; source?: string; others?: OtherSources } = {},
): void {
  const level = wfm.servers[server] ?? 0;
  if (level === 0) return;
  const source = options.source ?? "main";
  const others = options.others ?? { cfg: [], wfm: [] };
  const namesElsewhere = (pick: (c: CfgState) => { name: string }[]) => others.cfg.flatMap((c) => pick(c).map((r) => r.name));
  const collideSwitch = colliding(cfg.switches, namesElsewhere((c) => c.switches));
  const collideSkill = colliding(cfg.skills, namesElsewhere((c) => c.skills));
  const collideTz = colliding(cfg.timeZones, namesElsewhere((c) => c.timeZones));
  const skillsHeldElsewhere = new Set(others.wfm.flatMap((w) => Object.values(w.skills).map((k) => k.name)));
  const timeZonesHeldElsewhere = new Set(others.wfm.flatMap((w) => Object.values(w.timeZones).map((z) => z.name)));

  if (level === 2) {
    // A site follows the time zone it named, all renames at once (a chain a→b, b→c moves each site once).
    const renames = new Map<string, string>();
    syncReference(cfg.timeZones, wfm.timeZones, collideTz, (c) => ({ tenant: c.tenant, name: c.name, iana: c.iana }), (from, to) =>
      renames.set(from, to),
    timeZonesHeldElsewhere);
    for (const site of wfm.sites) site.timeZone = renames.get(site.timeZone) ?? site.timeZone;
    syncReference(cfg.skills, wfm.skills, collideSkill, (c) => ({ tenant: c.tenant, name: c.name }), undefined, skillsHeldElsewhere);
    // A removed skill takes its agents' levels with it.
    for (const agent of Object.values(wfm.agents)) {
      for (const skill of Object.keys(agent.skills)) if (!wfm.skills[Number(skill)]) delete agent.skills[Number(skill)];
    }
  }

  const agentsInCfg = new Map(cfg.persons.filter((p) => p.isAgent).map((p) => [p.dbid, p]));
  const loginSite = (person: number): number | null => {
    const switches = [...new Set(cfg.logins.filter((l) => l.person === person).map((l) => l.switch))];
    if (switches.length !== 1 || collideSwitch.has(switches[0]!)) return null;
    return wfm.sites.find((s) => s.switchSource === source && s.switch === switches[0])?.id ?? null;
  };
  const inScope = (siteId: number | null) => {
    const site = wfm.sites.find((s) => s.id === siteId);
    if (level === 1) return site?.server === server;
    return !site || site.server === null || site.server === server;
  };
  const wantedLevels = (person: number) =>
    cfg.levels.filter((l) => l.person === person && wfm.skills[l.skill] && !collideSkill.has(l.skill));

  const dbids = [...new Set([...agentsInCfg.keys(), ...Object.keys(wfm.agents).map(Number)])].sort((a, b) => a - b);
  const leftAlone = (dbid: number) =>
    options.realtime === true && (wfm.agents[dbid]?.terminationSource === "manual" || wfm.agents[dbid]?.awaiting === true);
  const inScopeDbids = dbids.filter((dbid) => inScope(wfm.agents[dbid]?.siteId ?? loginSite(dbid)) && !leftAlone(dbid));

  if (level === 1) {
    // Import on demand the skills that in-scope agents have and WFM lacks.
    const needed = new Set<number>();
    for (const dbid of inScopeDbids) {
      if (!agentsInCfg.has(dbid)) continue;
      for (const l of cfg.levels) if (l.person === dbid && !wfm.skills[l.skill] && !collideSkill.has(l.skill)) needed.add(l.skill);
    }
    for (const id of [...needed].sort((a, b) => a - b)) {
      const skill = cfg.skills.find((s) => s.dbid === id)!;
      if (!Object.values(wfm.skills).some((w) => w.name === skill.name) && !skillsHeldElsewhere.has(skill.name)) {
        wfm.skills[id] = { tenant: skill.tenant, name: skill.name };
      }
    }
  }

  for (const dbid of inScopeDbids) {
    const person = agentsInCfg.get(dbid);
    const agent = wfm.agents[dbid];
    if (person) {
      const fields = {
        tenant: person.tenant,
        username: person.username,
        firstName: person.firstName,
        lastName: person.lastName,
        email: person.email,
        employeeId: person.employeeId,
      };
      if (!agent) {
        wfm.agents[dbid] = {
          ...fields,
          siteId: loginSite(dbid),
          terminationDate: null,
          terminationSource: null,
          awaiting: false,
          skills: Object.fromEntries(wantedLevels(dbid).map((l) => [l.skill, l.level])),
        };
        continue;
      }
      Object.assign(agent, fields);
      agent.siteId = agent.siteId ?? loginSite(dbid);
      if (agent.terminationSource === "config") {
        agent.terminationDate = null;
        agent.terminationSource = null;
      }
      agent.awaiting = false;
      const kept = Object.entries(agent.skills).filter(([skill]) => collideSkill.has(Number(skill)));
      agent.skills = Object.fromEntries([...kept, ...wantedLevels(dbid).map((l) => [String(l.skill), l.level] as const)]);
    } else if (agent && agent.terminationDate === null) {
      agent.terminationDate = TODAY;
      agent.terminationSource = "config";
      agent.awaiting = false;
    }
  }

  if (level === 2) {
    // Usernames are unique across every source's users.
    const before = wfm.users.map((u) => ({ ...u }));
    const elsewhere = others.wfm.flatMap((w) => w.users.map((u) => u.username.toLowerCase()));
    const personOf = (user: { cfgDbid: number | null }) => cfg.persons.find((p) => p.dbid === user.cfgDbid);
    // The usernames users would move to; a name two users would move to is given to neither.
    const moving = before.filter((u) => personOf(u) && personOf(u)!.username !== u.username);
    for (const user of wfm.users) {
      const person = personOf(user);
      if (!person || (person.username === user.username && person.email === user.email)) continue;
      const wanted = person.username.toLowerCase();
      const taken =
        elsewhere.includes(wanted) ||
        before.some((o) => o.id !== user.id && o.username.toLowerCase() === wanted) ||
        moving.some((o) => o.id !== user.id && personOf(o)!.username.toLowerCase() === wanted);
      if (!(person.username !== user.username && taken)) user.username = person.username;
      user.email = person.email;
    }
  }
}
