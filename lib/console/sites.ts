/**
 * Writes to sites (SPEC §5 Organization > Sites). Each write bumps the site's cache version (a trigger does,
 * in the same transaction) and is then announced on the mesh, so every connected WFM Server uses it at once.
 */
import { z } from "zod";
import type { Sql } from "../db/client";
import { DomainError } from "../errors";
import type { CachedEntity } from "../mesh/message";

/** Where the console announces its writes (the mesh, when it has joined one); a no-op otherwise. */
export type Announce = (entity: CachedEntity, keys: (string | number)[], version: number) => void;
const nobody: Announce = () => {};

export const assignSiteInput = z.object({
  siteId: z.number().int().positive("a site is named by its id, a positive whole number"),
  server: z.string().trim().min(1, "name a WFM Server, or choose none").nullable(),
});

/** Assigns a site to a WFM Server, or clears its assignment (server null). */
export async function assignSite(sql: Sql, input: z.input<typeof assignSiteInput>, announce: Announce = nobody) {
  const { siteId, server } = assignSiteInput.parse(input);
  const [row] = await sql.begin(async (tx) => {
    if (server !== null) {
      const [known] = await tx`select 1 from wfm.servers where name = ${server}`;
      if (!known) throw new DomainError("NOT_FOUND", `There is no WFM Server named '${server}'.`, { field: "server" });
    }
    const rows = await tx<{ id: number; name: string; server: string | null }[]>`
      update wfm.sites set server = ${server}, updated_at = now() where id = ${siteId} returning id, name, server`;
    if (!rows[0]) throw new DomainError("NOT_FOUND", `There is no site with id ${siteId}.`, { field: "siteId" });
    // The sites version this write made (the counter is ours until commit): what the mesh announces.
    const [{ version }] = (await tx`select version from wfm.cache_versions where entity = 'sites'`) as unknown as [{ version: number }];
    return [{ ...rows[0], version: Number(version) }];
  });
  announce("sites", [row!.id], row!.version);
  return row!;
}

export const siteInput = z.object({
  name: z.string().trim().min(1, "Enter the site's name.").max(100, "A site's name has at most 100 characters."),
  timeZone: z.string().trim().min(1, "Choose the site's time zone."),
  switchDbid: z.number().int().positive().nullable(),
  server: z.string().trim().min(1).nullable(),
});

/** Field-by-field problems of a site form, for the form to show beside each field. */
export class FieldErrors extends DomainError {
  constructor(readonly fields: Record<string, string>) {
    super("BAD_INPUT", Object.values(fields).join(" "), Object.entries(fields).map(([path, message]) => ({ path, message })));
  }
}

/** Creates a site (SPEC §5): its name is unique, its time zone is one WFM has, its switch has no other site. */
export async function createSite(sql: Sql, input: z.input<typeof siteInput>, announce: Announce = nobody) {
  const parsed = siteInput.safeParse(input);
  if (!parsed.success) throw new FieldErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "form"), i.message])));
  const site = parsed.data;
  const row = await sql.begin(async (tx) => {
    const fields: Record<string, string> = {};
    const [sameName] = await tx`select 1 from wfm.sites where lower(name) = lower(${site.name})`;
    if (sameName) fields.name = `A site named ${site.name} exists already.`;
    const [zone] = await tx`select 1 from wfm.time_zones where name = ${site.timeZone}`;
    if (!zone) fields.timeZone = `WFM has no time zone named ${site.timeZone}.`;
    if (site.switchDbid !== null) {
      const [sw] = await tx`select s.name, (select w.name from wfm.sites w where w.switch_dbid = s.dbid) as taken from cfg.switches s where s.dbid = ${site.switchDbid}`;
      if (!sw) fields.switchDbid = `There is no switch with dbid ${site.switchDbid} in cfg.`;
      else if (sw.taken) fields.switchDbid = `Switch ${sw.name} already belongs to site ${sw.taken}.`;
    }
    if (site.server !== null) {
      const [known] = await tx`select 1 from wfm.servers where name = ${site.server}`;
      if (!known) fields.server = `There is no WFM Server named '${site.server}'.`;
    }
    if (Object.keys(fields).length) throw new FieldErrors(fields);
    const [created] = await tx<{ id: number; name: string }[]>`
      insert into wfm.sites (name, time_zone, switch_dbid, server) values (${site.name}, ${site.timeZone}, ${site.switchDbid}, ${site.server})
      returning id, name`;
    const [{ version }] = (await tx`select version from wfm.cache_versions where entity = 'sites'`) as unknown as [{ version: number }];
    return { ...created!, version: Number(version) };
  });
  announce("sites", [row.id], row.version);
  return row;
}

/** Deletes a site; its agents keep their data and become unassigned until a full sync places them again. */
export async function deleteSite(sql: Sql, siteId: number, announce: Announce = nobody): Promise<void> {
  const version = await sql.begin(async (tx) => {
    const rows = await tx`delete from wfm.sites where id = ${siteId} returning id`;
    if (!rows.length) throw new DomainError("NOT_FOUND", `There is no site with id ${siteId}.`);
    const [{ version }] = (await tx`select version from wfm.cache_versions where entity = 'sites'`) as unknown as [{ version: number }];
    return Number(version);
  });
  announce("sites", [siteId], version);
}
