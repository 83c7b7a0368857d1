/**
 * Writes to sites (SPEC §5 Organization > Sites). Each write bumps the site's cache version (a trigger does,
 * in the same transaction) and is then announced on the mesh, so every connected WFM Server uses it at once.
 * Each is recorded in the audit trail as done by `by`, in its own transaction (./audit.ts).
 */
import { z } from "zod";
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
 * Assigns sites to a WFM Server, or clears their assignment (server null): one site inline, or many selected
 * at once — in one transaction and one announcement, so the servers see the new split whole.
 */
export async function assignSites(sql: Sql, input: z.input<typeof assignSitesInput>, by: string, announce: Announce = nobody) {
  const { siteIds, server } = assignSitesInput.parse(input);
  const ids = [...new Set(siteIds)];
  const result = await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    if (server !== null) {
      // Held until commit, so the server cannot be removed between this check and the assignment.
      const [known] = await tx`select 1 from wfm.servers where name = ${server} for key share`;
      if (!known) throw fieldError("NOT_FOUND", "server", `There is no WFM Server named '${server}'.`);
    }
    const rows = await tx<{ id: number; name: string; server: string | null }[]>`
      select id, name, server from wfm.sites where id = any(${ids}::int[]) order by name for update`;
    const missing = ids.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) throw fieldError("NOT_FOUND", "siteIds", `There is no site with id ${missing.join(", ")}.`);
    // Only sites whose server changes are written (and announced): the others were assigned so already.
    const changing = rows.filter((r) => r.server !== server);
    const changed = changing.map((r) => r.id);
    if (changed.length) await tx`update wfm.sites set server = ${server}, updated_at = now() where id = any(${changed}::int[])`;
    await recordAudit(tx, by, changing.map((r) => ({ action: "assigned", objectType: "site", objectKey: r.id, detail: { server: { from: r.server, to: server } } })));
    return { sites: rows.map((r) => ({ ...r, server })), changed, version: changed.length ? await sitesVersion(tx) : null };
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
  switchDbid: idNumber("switchDbid", BIGINT_ID_MAX).nullable(),
  server: serverName.nullable(),
});
export type SiteFields = z.output<typeof siteInput>;

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
    const [sw] = await tx`select s.name, (select w.name from wfm.sites w where w.switch_dbid = s.dbid and w.id is distinct from ${exceptId}) as taken
                            from cfg.switches s where s.dbid = ${site.switchDbid}`;
    if (!sw) problems.push({ path: "switchDbid", message: `There is no switch with dbid ${site.switchDbid} in cfg.`, kind: "missing" });
    else if (sw.taken) problems.push({ path: "switchDbid", message: `Switch ${sw.name} already belongs to site ${sw.taken}.`, kind: "taken" });
  }
  if (site.server != null) {
    const [known] = await tx`select 1 from wfm.servers where name = ${site.server} for key share`;
    if (!known) problems.push({ path: "server", message: `There is no WFM Server named '${site.server}'.`, kind: "missing" });
  }
  return problems;
}

/**
 * A unique index refusing what our check found free a moment earlier: another admin saved the same name or
 * switch at the same time. Said beside the field, like the check's own answer.
 */
function raceLost(error: unknown, site: Partial<SiteFields>): never {
  const { code, constraint_name: constraint } = error as { code?: string; constraint_name?: string };
  if (code === "23505" && constraint === "sites_name_lower_key")
    throw new FieldErrors([{ path: "name", message: `A site named ${site.name} exists already.`, kind: "taken" }]);
  if (code === "23505" && constraint === "sites_switch_dbid_unique")
    throw new FieldErrors([{ path: "switchDbid", message: `Switch ${site.switchDbid} already belongs to another site.`, kind: "taken" }]);
  throw error;
}

/** Creates a site (SPEC §5). */
export async function createSite(sql: Sql, input: z.input<typeof siteInput>, by: string, announce: Announce = nobody) {
  const parsed = siteInput.safeParse(input);
  if (!parsed.success) throw fieldErrorsOf(parsed.error);
  const site = parsed.data;
  const row = await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    const problems = await siteProblems(tx, site, null);
    if (problems.length) throw new FieldErrors(problems);
    const [created] = await tx<{ id: number; name: string }[]>`
      insert into wfm.sites (name, time_zone, switch_dbid, server) values (${site.name}, ${site.timeZone}, ${site.switchDbid}, ${site.server})
      returning id, name`.catch((error: unknown) => raceLost(error, site));
    await recordAudit(tx, by, [{ action: "created", objectType: "site", objectKey: created!.id, detail: changesBetween({}, site) }]);
    return { ...created!, version: await sitesVersion(tx) };
  });
  announce("sites", [row.id], row.version);
  return row;
}

export const sitePatch = siteInput.partial().strict().refine((body) => Object.keys(body).length > 0, { message: "Name at least one field to change." });

/**
 * Edits a site: any of its name, time zone, switch and server. Changing the switch does not move the site's
 * agents (their site is WFM's after import); it decides where new agents on that switch land.
 */
export async function updateSite(sql: Sql, id: number, input: unknown, by: string, announce: Announce = nobody) {
  const parsed = sitePatch.safeParse(input);
  if (!parsed.success) throw fieldErrorsOf(parsed.error);
  const patch = parsed.data;
  const result = await sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    const [current] = await tx<SiteFields[]>`
      select name, time_zone as "timeZone", switch_dbid as "switchDbid", server from wfm.sites where id = ${id} for update`;
    if (!current) throw new DomainError("NOT_FOUND", `There is no site with id ${id}.`);
    const changed = Object.fromEntries(
      Object.entries(patch).filter(([field, value]) => (field === "name" ? value !== current.name : value !== current[field as keyof SiteFields])),
    ) as Partial<SiteFields>;
    if (Object.keys(changed).length === 0) return { version: null };
    const problems = await siteProblems(tx, changed, id);
    if (problems.length) throw new FieldErrors(problems);
    const columns = { name: "name", timeZone: "time_zone", switchDbid: "switch_dbid", server: "server" } as const;
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
      select id, name, time_zone as "timeZone", switch_dbid as "switchDbid", server from wfm.sites where id = ${siteId} for update`;
    if (!site) throw new DomainError("NOT_FOUND", `There is no site with id ${siteId}.`);
    // Read, and held, before the delete's foreign key leaves them without a site.
    const agents = await tx<{ id: number }[]>`select id from wfm.agents where site_id = ${siteId} order by id for update`;
    await tx`delete from wfm.sites where id = ${siteId}`;
    const { id, ...had } = site;
    await recordAudit(tx, by, [
      { action: "deleted", objectType: "site", objectKey: id, detail: changesBetween(had, { name: null, timeZone: null, switchDbid: null, server: null }) },
      ...agents.map((a) => ({ action: "moved" as const, objectType: "agent" as const, objectKey: a.id, detail: { site: { from: { id, name: site.name }, to: null } } })),
    ]);
    return sitesVersion(tx);
  });
  announce("sites", [siteId], version);
}
