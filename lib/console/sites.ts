/**
 * Writes to sites (SPEC §5 Organization > Sites). Each write bumps the site's cache version (a trigger does,
 * in the same transaction) and is then announced on the mesh, so every connected WFM Server uses it at once.
 * Each is recorded in the audit trail as done by `by`, in its own transaction (./audit.ts).
 */
import { z } from "zod";
import { cfgTable } from "../config/reference";
import { MAIN_SOURCE, sourceName, type SourceRow } from "../config/source-names";
import type { Sql } from "../db/client";
import { DomainError, fieldError } from "../errors";
import { BIGINT_ID_MAX, idNumber, INT_ID_MAX, nameText, serverName, text } from "../input";
import { nobody, type Announce } from "./announce";
import { changesBetween, recordAudit } from "./audit";
import { FieldErrors, fieldErrorsOf, type FieldProblem } from "./form";

export const assignSitesInput = z.object({
  siteIds: z
    .array(idNumber("a site id", INT_ID_MAX))
    .min(1, "Choose at least one site.")
    .max(10_000, "At most 10,000 sites at once."),
  server: serverName.nullable(),
});

/** The sites version a write made (the counter row is ours until commit): what the mesh announces. */
async function sitesVersion(tx: Sql): Promise<number> {
  const [{ version }] = (await tx`select version from wfm.cache_versions where entity = 'sites'`) as unknown as [{ version: number }];
  return Number(version);
}

/**
 * A site may be assigned only to a server of its switch's source (SPEC §2.9): that server's scope is taken
 * within its source, so it would never synchronize the site's agents. A site without a switch may go anywhere.
 */
const sourceMismatch = (site: string, switchSource: string, server: string, serverSource: string) =>
  `Site ${site}'s switch is in source ${switchSource}; server ${server} syncs ${serverSource}.`;

/**
 * A site without a switch, assigned to a server, must not hold agents of another source than the server's: that
 * server reads only its own source's agents, and no other server syncs a site assigned elsewhere. One sentence
 * per site and source, or none.
 */
async function strandedAgents(tx: Sql, siteIds: number[], server: string, serverSource: string): Promise<string[]> {
  if (siteIds.length === 0) return [];
  const rows = await tx<{ name: string; source: string; n: number }[]>`
    select s.name, a.source, count(*)::int as n from wfm.agents a join wfm.sites s on s.id = a.site_id
     where a.site_id = any(${siteIds}::int[]) and a.source <> ${serverSource}
     group by s.name, a.source order by s.name, a.source`;
  return rows.map((r) => `Site ${r.name} holds ${r.n} agent${r.n === 1 ? "" : "s"} of source ${r.source}; server ${server} syncs ${serverSource}.`);
}

/**
 * The same rule for an agent moved by hand (SPEC §2.9): a site whose switch is in another source, or whose server
 * syncs another source, is one no server would ever synchronize the agent in. Said in the sites' words.
 */
export const agentSourceMismatch = (
  agent: { username: string; source: string },
  site: { name: string; switchSource: string | null; server: string | null },
  serverSource: string | null,
): string | null => {
  const agentPart = `agent ${agent.username} is in source ${agent.source}.`;
  if (site.switchSource !== null && site.switchSource !== agent.source) return `Site ${site.name}'s switch is in source ${site.switchSource}; ${agentPart}`;
  if (site.server !== null && serverSource !== null && serverSource !== agent.source)
    return `Site ${site.name} is assigned to server ${site.server}, which syncs ${serverSource}; ${agentPart}`;
  return null;
};

/**
 * Assigns sites to a WFM Server, or clears their assignment (server null): one site inline, or many selected
 * at once — in one transaction and one announcement, so the servers see the new split whole. A site whose
 * switch is in another source than the server's is refused (409 naming both), and then none is assigned.
 */
export async function assignSites(sql: Sql, input: z.input<typeof assignSitesInput>, by: string, announce: Announce = nobody) {
  const { siteIds, server } = assignSitesInput.parse(input);
  const ids = [...new Set(siteIds)];
  const result = await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    let serverSource: string | null = null;
    if (server !== null) {
      // Held until commit, so the server can neither be removed nor move to another source (that takes the
      // row for update) between this check and the assignment.
      const [known] = await tx<{ source: string }[]>`select source from wfm.servers where name = ${server} for key share`;
      if (!known) throw fieldError("NOT_FOUND", "server", `There is no WFM Server named '${server}'.`);
      serverSource = known.source;
    }
    const rows = await tx<{ id: number; name: string; server: string | null; switchSource: string | null }[]>`
      select id, name, server, switch_source as "switchSource" from wfm.sites where id = any(${ids}::int[]) order by name for update`;
    const missing = ids.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) throw fieldError("NOT_FOUND", "siteIds", `There is no site with id ${missing.join(", ")}.`);
    const elsewhere = rows.filter((r) => server !== null && r.switchSource !== null && r.switchSource !== serverSource);
    if (elsewhere.length) throw fieldError("CONFLICT", "server", elsewhere.map((r) => sourceMismatch(r.name, r.switchSource!, server!, serverSource!)).join(" "));
    if (server !== null) {
      const stranded = await strandedAgents(tx, rows.filter((r) => r.switchSource === null && r.server !== server).map((r) => r.id), server, serverSource!);
      if (stranded.length) throw fieldError("CONFLICT", "server", stranded.join(" "));
    }
    // Only sites whose server changes are written (and announced): the others were assigned so already.
    const changing = rows.filter((r) => r.server !== server);
    const changed = changing.map((r) => r.id);
    if (changed.length) await tx`update wfm.sites set server = ${server}, updated_at = now() where id = any(${changed}::int[])`;
    await recordAudit(tx, by, changing.map((r) => ({ action: "assigned", objectType: "site", objectKey: r.id, detail: { server: { from: r.server, to: server } } })));
    return { sites: rows.map(({ switchSource: _, ...r }) => ({ ...r, server })), changed, version: changed.length ? await sitesVersion(tx) : null };
  });
  if (result.version !== null) announce("sites", result.changed, result.version);
  return { ...result, changed: result.changed.length };
}

/** Assigns one site (the Sites table's inline select). */
export async function assignSite(sql: Sql, input: { siteId: number; server: string | null }, by: string, announce: Announce = nobody) {
  const { sites, changed, version } = await assignSites(sql, { siteIds: [input.siteId], server: input.server }, by, announce);
  return { ...sites[0]!, changed: changed > 0, version };
}

export const siteInput = z.object({
  name: nameText("The site's name").trim().min(1, "Enter the site's name.").max(100, "A site's name has at most 100 characters."),
  timeZone: text("The time zone").trim().min(1, "Choose the site's time zone."),
  // The switch's source (SPEC §2.9); left out with a switch: main on create, the site's current one on edit. Null or left out without a switch.
  switchSource: sourceName("switchSource").nullable().optional(),
  switchDbid: idNumber("switchDbid", BIGINT_ID_MAX).nullable(),
  server: serverName.nullable(),
});
/** A site's fields as stored: a switch always with its source, no switch without one. */
export type SiteFields = Omit<z.output<typeof siteInput>, "switchSource"> & { switchSource: string | null };

/** The switch's source a write means: the one named, else main for a switch; none without a switch. */
function withSwitchSource<T extends { switchSource?: string | null; switchDbid?: number | null }>(fields: T): FieldProblem[] {
  if (fields.switchDbid === null && fields.switchSource != null)
    return [{ path: "switchSource", message: "switchSource names the source of the site's switch: give switchDbid with it, or neither.", kind: "bad" }];
  return [];
}

/** What is wrong with these fields against the database: its name is unique, its time zone and server exist, its switch has no other site. */
async function siteProblems(tx: Sql, site: Partial<SiteFields>, exceptId: number | null): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  if (site.name !== undefined) {
    const [sameName] = await tx`select 1 from wfm.sites where lower(name) = lower(${site.name}) and id is distinct from ${exceptId}`;
    if (sameName) problems.push({ path: "name", message: `A site named ${site.name} exists already.`, kind: "taken" });
  }
  if (site.timeZone !== undefined) {
    const [zone] = await tx`select 1 from wfm.time_zones where name = ${site.timeZone}`;
    if (!zone) problems.push({ path: "timeZone", message: `WFM has no time zone named ${site.timeZone}.`, kind: "missing" });
  }
  if (site.switchDbid != null) {
    const source = site.switchSource ?? MAIN_SOURCE;
    // Held until commit, so the source cannot be removed between this check and the write.
    const [known] = await tx<SourceRow[]>`select name, kind, schema from wfm.config_sources where name = ${source} for key share`;
    if (!known) problems.push({ path: "switchSource", message: `There is no configuration source named "${source}".`, kind: "missing" });
    else {
      const [sw] = await tx`
        select s.name, (select w.name from wfm.sites w where w.switch_source = ${source} and w.switch_dbid = s.dbid and w.id is distinct from ${exceptId}) as taken
          from ${cfgTable(tx, known, "switches")} s where s.dbid = ${site.switchDbid}`;
      // Missing, as the config API says of an unknown dbid (404), and as sites said before there were sources.
      if (!sw) problems.push({ path: "switchDbid", message: `There is no switch with dbid ${site.switchDbid} in source ${source}.`, kind: "missing" });
      else if (sw.taken) problems.push({ path: "switchDbid", message: `Switch ${sw.name} already belongs to site ${sw.taken}.`, kind: "taken" });
    }
  }
  if (site.server != null) {
    const [known] = await tx`select 1 from wfm.servers where name = ${site.server} for key share`;
    if (!known) problems.push({ path: "server", message: `There is no WFM Server named '${site.server}'.`, kind: "missing" });
  }
  return problems;
}

/**
 * The site as it will be, refused when its server syncs another source than its switch's (SPEC §2.9). The
 * server's row is held for key share, so it cannot move to another source before this write commits.
 */
async function sourceProblems(tx: Sql, site: Pick<SiteFields, "name" | "switchSource" | "server">, siteId: number | null = null): Promise<FieldProblem[]> {
  if (site.server === null) return [];
  const [server] = await tx<{ source: string }[]>`select source from wfm.servers where name = ${site.server} for key share`;
  if (!server) return [];
  if (site.switchSource === null) {
    const stranded = siteId === null ? [] : await strandedAgents(tx, [siteId], site.server, server.source);
    return stranded.map((message) => ({ path: "server", message, kind: "conflict" as const }));
  }
  if (server.source === site.switchSource) return [];
  return [{ path: "server", message: sourceMismatch(site.name, site.switchSource, site.server, server.source), kind: "conflict" }];
}

/**
 * A unique index refusing what our check found free a moment earlier: another admin saved the same name or
 * switch at the same time. Said beside the field, like the check's own answer.
 */
function raceLost(error: unknown, site: Partial<SiteFields>): never {
  const { code, constraint_name: constraint } = error as { code?: string; constraint_name?: string };
  if (code === "23505" && constraint === "sites_name_lower_key")
    throw new FieldErrors([{ path: "name", message: `A site named ${site.name} exists already.`, kind: "taken" }]);
  if (code === "23505" && constraint === "sites_switch_key")
    throw new FieldErrors([{ path: "switchDbid", message: `Switch ${site.switchDbid} already belongs to another site.`, kind: "taken" }]);
  throw error;
}

/** Creates a site (SPEC §5). */
export async function createSite(sql: Sql, input: z.input<typeof siteInput>, by: string, announce: Announce = nobody) {
  const parsed = siteInput.safeParse(input);
  if (!parsed.success) throw fieldErrorsOf(parsed.error);
  const shapeProblems = withSwitchSource(parsed.data);
  if (shapeProblems.length) throw new FieldErrors(shapeProblems);
  const site: SiteFields = { ...parsed.data, switchSource: parsed.data.switchDbid === null ? null : (parsed.data.switchSource ?? MAIN_SOURCE) };
  const row = await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    const problems = await siteProblems(tx, site, null);
    if (problems.length) throw new FieldErrors(problems);
    const mismatch = await sourceProblems(tx, site);
    if (mismatch.length) throw new FieldErrors(mismatch);
    const [created] = await tx<{ id: number; name: string }[]>`
      insert into wfm.sites (name, time_zone, switch_source, switch_dbid, server)
      values (${site.name}, ${site.timeZone}, ${site.switchSource}, ${site.switchDbid}, ${site.server})
      returning id, name`.catch((error: unknown) => raceLost(error, site));
    await recordAudit(tx, by, [{ action: "created", objectType: "site", objectKey: created!.id, detail: changesBetween({}, site) }]);
    return { ...created!, version: await sitesVersion(tx) };
  });
  announce("sites", [row.id], row.version);
  return row;
}

export const sitePatch = siteInput.partial().strict().refine((body) => Object.keys(body).length > 0, { message: "Name at least one field to change." });

/**
 * Edits a site: any of its name, time zone, switch (with its source) and server. Changing the switch does not
 * move the site's agents (their site is WFM's after import); it decides where new agents on that switch land.
 * A switchDbid given without switchSource means a switch of the source the site's switch is in (main when it has
 * none); switchSource alone moves the site to the switch of that dbid in that source.
 */
export async function updateSite(sql: Sql, id: number, input: unknown, by: string, announce: Announce = nobody) {
  const parsed = sitePatch.safeParse(input);
  if (!parsed.success) throw fieldErrorsOf(parsed.error);
  const shapeProblems = withSwitchSource(parsed.data);
  if (shapeProblems.length) throw new FieldErrors(shapeProblems);
  const given = parsed.data;
  const result = await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    const [current] = await tx<SiteFields[]>`
      select name, time_zone as "timeZone", switch_source as "switchSource", switch_dbid as "switchDbid", server
        from wfm.sites where id = ${id} for update`;
    if (!current) throw new DomainError("NOT_FOUND", `There is no site with id ${id}.`);
    // The switch is named by both fields: fill in the one left out, so the pair is always whole.
    const patch: Partial<SiteFields> = { ...given, switchSource: undefined };
    if (given.switchDbid !== undefined) {
      // A dbid alone is another switch of the source the site's switch is in already (main for a site without one).
      patch.switchSource = given.switchDbid === null ? null : (given.switchSource ?? current.switchSource ?? MAIN_SOURCE);
    } else if (given.switchSource != null) {
      if (current.switchDbid === null)
        throw new FieldErrors([{ path: "switchSource", message: "switchSource names the source of the site's switch: give switchDbid with it.", kind: "bad" }]);
      patch.switchSource = given.switchSource;
      patch.switchDbid = current.switchDbid;
    }
    for (const field of Object.keys(patch) as (keyof SiteFields)[]) if (patch[field] === undefined) delete patch[field];
    const changed = Object.fromEntries(
      Object.entries(patch).filter(([field, value]) => (field === "name" ? value !== current.name : value !== current[field as keyof SiteFields])),
    ) as Partial<SiteFields>;
    // A new dbid in the same source is checked with its source; a source alone, with the dbid it keeps.
    if (changed.switchSource !== undefined || changed.switchDbid !== undefined) {
      changed.switchSource = patch.switchSource ?? null;
      changed.switchDbid = patch.switchDbid ?? null;
    }
    if (Object.keys(changed).length === 0) return { version: null };
    const problems = await siteProblems(tx, changed, id);
    if (problems.length) throw new FieldErrors(problems);
    if (changed.switchSource !== undefined || changed.server !== undefined) {
      const mismatch = await sourceProblems(tx, { ...current, ...changed }, id);
      if (mismatch.length) throw new FieldErrors(mismatch);
    }
    const columns = { name: "name", timeZone: "time_zone", switchSource: "switch_source", switchDbid: "switch_dbid", server: "server" } as const;
    const row = Object.fromEntries(Object.entries(changed).map(([field, value]) => [columns[field as keyof typeof columns], value]));
    await tx`update wfm.sites set ${tx(row)}, updated_at = now() where id = ${id}`.catch((error: unknown) => raceLost(error, changed));
    // A new server is an assignment, as the Sites table's select makes it; the other fields are an edit.
    const { server, ...edited } = changesBetween(current, changed);
    await recordAudit(tx, by, [
      ...(server ? [{ action: "assigned" as const, objectType: "site" as const, objectKey: id, detail: { server } }] : []),
      ...(Object.keys(edited).length ? [{ action: "updated" as const, objectType: "site" as const, objectKey: id, detail: edited }] : []),
    ]);
    return { version: await sitesVersion(tx) };
  });
  if (result.version !== null) announce("sites", [id], result.version);
}

/**
 * Deletes a site; its agents keep their data and become unassigned until a full sync places them again. Each
 * of them is recorded as moved to no site, so an agent's own history says where its site went.
 */
export async function deleteSite(sql: Sql, siteId: number, by: string, announce: Announce = nobody): Promise<void> {
  const version = await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    // Locked first: no agent is moved into it (that takes a key share on the site) while it goes.
    const [site] = await tx<(SiteFields & { id: number })[]>`
      select id, name, time_zone as "timeZone", switch_source as "switchSource", switch_dbid as "switchDbid", server
        from wfm.sites where id = ${siteId} for update`;
    if (!site) throw new DomainError("NOT_FOUND", `There is no site with id ${siteId}.`);
    // Read, and held, before the delete's foreign key leaves them without a site.
    const agents = await tx<{ id: number }[]>`select id from wfm.agents where site_id = ${siteId} order by id for update`;
    await tx`delete from wfm.sites where id = ${siteId}`;
    const { id, ...had } = site;
    await recordAudit(tx, by, [
      { action: "deleted", objectType: "site", objectKey: id, detail: changesBetween(had, { name: null, timeZone: null, switchSource: null, switchDbid: null, server: null }) },
      ...agents.map((a) => ({ action: "moved" as const, objectType: "agent" as const, objectKey: a.id, detail: { site: { from: { id, name: site.name }, to: null } } })),
    ]);
    return sitesVersion(tx);
  });
  announce("sites", [siteId], version);
}
