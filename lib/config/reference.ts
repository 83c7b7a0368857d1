/**
 * The Configuration Database's reference objects — tenants, switches, time zones, skills — written the way a
 * configuration tool writes them (SPEC §6 `/api/v1/config/...`). The change-feed triggers see every write, so
 * integrations and tests that use this API feed real-time sync exactly as the real cfg would.
 *
 * Names are unique within a tenant (the schema's rule); the same name under two tenants is accepted, as the
 * real system accepts it, and is what sync's duplicate-name check (SPEC §2.4) exists to catch.
 *
 * Every call names its configuration source (SPEC §2.9): `main` writes the `cfg` schema, `eu` writes `cfg_eu`.
 * The schema comes from wfm.config_sources, never from the caller's text, and reaches SQL only as an identifier.
 */
import { z } from "zod";
import type { Sql } from "../db/client";
import { DomainError, fieldError } from "../errors";
import { BIGINT_ID_MAX, cursorText, idNumber, idText, nameText } from "../input";
import { describeConnection } from "./publisher";
import { findSource, MAIN_SOURCE, sourceName, type SourceRow } from "./source-names";

const dbid = (what: string) => idNumber(what, BIGINT_ID_MAX);
const name = (what: string) =>
  nameText(`The ${what}'s name`).trim().min(1, `Enter the ${what}'s name.`).max(255, `A ${what}'s name has at most 255 characters.`);

const knownZones = new Map(Intl.supportedValuesOf("timeZone").map((zone) => [zone.toLowerCase(), zone]));

/**
 * The IANA name spelt as the time-zone database spells it ("europe/oslo" → "Europe/Oslo"), or as sent when
 * it is a name the database knows only as an alias ("EST", "US/Eastern": kept, not turned into another
 * zone's name); null when it is no time zone at all.
 */
export function spelledZone(zone: string): string | null {
  const known = knownZones.get(zone.toLowerCase());
  if (known) return known;
  try {
    const resolved = new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
  } catch {
    return null;
  }
}

const tenantInput = z.strictObject({ name: name("tenant") });
const switchInput = z.strictObject({ tenantDbid: dbid("tenantDbid"), name: name("switch") });
const skillInput = z.strictObject({ tenantDbid: dbid("tenantDbid"), name: name("skill") });
const timeZoneInput = z.strictObject({
  tenantDbid: dbid("tenantDbid"),
  name: name("time zone"),
  ianaName: z
    .string({ message: "ianaName is an IANA time zone such as America/New_York" })
    .trim()
    .refine((zone) => spelledZone(zone) !== null, { message: "ianaName is not an IANA time zone (such as America/New_York)" })
    .transform((zone) => spelledZone(zone)!),
});

interface Kind<S extends z.ZodObject> {
  /** The path segment under /api/v1/config. */
  path: string;
  /** The table in a source's schema. */
  table: string;
  /** What one is called in messages. */
  noun: string;
  create: S;
  /** A PATCH: any subset of the fields, at least one. */
  patch: z.ZodType<Partial<z.output<S>>>;
  /** camelCase field → column. */
  columns: Record<keyof z.output<S> & string, string>;
}

/**
 * A PATCH changes an object's own fields, not its tenant: moving a switch or skill to another tenant would
 * leave the other tenant's logins and levels pointing at it, which the person writer refuses to create.
 */
function kind<S extends z.ZodObject>(k: Omit<Kind<S>, "patch">): Kind<S> {
  const own = "tenantDbid" in k.create.shape ? k.create.omit({ tenantDbid: true } as never) : k.create;
  const patch = own
    .partial()
    .refine((body) => Object.keys(body).length > 0, { message: "Name at least one field to change." });
  return { ...k, patch: patch as unknown as z.ZodType<Partial<z.output<S>>> };
}

/** The four reference kinds, by the path segment the API names them with. */
export const referenceKinds = {
  tenants: kind({ path: "tenants", table: "tenants", noun: "tenant", create: tenantInput, columns: { name: "name" } }),
  switches: kind({ path: "switches", table: "switches", noun: "switch", create: switchInput, columns: { tenantDbid: "tenant_dbid", name: "name" } }),
  "time-zones": kind({
    path: "time-zones",
    table: "time_zones",
    noun: "time zone",
    create: timeZoneInput,
    columns: { tenantDbid: "tenant_dbid", name: "name", ianaName: "iana_name" },
  }),
  skills: kind({ path: "skills", table: "skills", noun: "skill", create: skillInput, columns: { tenantDbid: "tenant_dbid", name: "name" } }),
} as const;

export type ReferenceKindName = keyof typeof referenceKinds;
export const referenceKindNames = Object.keys(referenceKinds) as ReferenceKindName[];

export function referenceKind(path: string): (typeof referenceKinds)[ReferenceKindName] {
  const found = Object.hasOwn(referenceKinds, path) ? referenceKinds[path as ReferenceKindName] : undefined;
  if (!found) throw new DomainError("NOT_FOUND", `There is no cfg object type '${path}'; the types are ${[...referenceKindNames, "persons"].join(", ")}.`);
  return found;
}

type AnyKind = (typeof referenceKinds)[ReferenceKindName];
export type ReferenceObject = { dbid: number } & Record<string, string | number>;

/** `?source=` on every /api/v1/config route: the source's name, `main` when not given (SPEC §6). */
export const sourceQuery = z.object({ source: sourceName("source").default(MAIN_SOURCE) });

/**
 * The source a write names: it exists, and it is written here. A replicated source's rows arrive from its own
 * Configuration Database; a write here would be overwritten or break its replication, so it is refused.
 */
export async function writableSource(sql: Sql, name: string): Promise<SourceRow> {
  const source = await findSource(sql, name);
  if (source.kind === "replicated") {
    const [row] = await sql<{ connection: string }[]>`select connection from wfm.config_sources where name = ${source.name}`;
    throw new DomainError(
      "CONFLICT",
      `Source ${source.name} is replicated from its Configuration Database at ${describeConnection(row?.connection ?? "")}: write there (schema ${source.schema}), and replication brings the change here.`,
    );
  }
  return source;
}

/**
 * A table of a source's schema as an SQL identifier: "cfg_eu"."persons". The source is a row read from
 * wfm.config_sources (findSource, allSources), whose schema its constraint checked: the one way every module
 * names a source's table.
 */
export const cfgTable = (sql: Sql, source: SourceRow, table: string) => sql(`${source.schema}.${table}`);

/** How messages say where: "in source eu". */
export const inSource = (source: SourceRow) => `in source ${source.name}`;

function selectList(sql: Sql, k: AnyKind) {
  return sql.unsafe(
    ["dbid", ...Object.entries(k.columns).map(([field, column]) => (field === column ? column : `${column} as "${field}"`))].join(", "),
  );
}

export const configPage = z.object({
  tenant: idText("tenant", BIGINT_ID_MAX).optional(),
  limit: z.coerce.number({ message: "limit is a whole number" }).int("limit is a whole number").min(1, "limit is at least 1").max(1000, "limit is at most 1000").default(100),
  cursor: cursorText(BIGINT_ID_MAX).optional(),
});
export type ConfigPage = z.output<typeof configPage>;

/** The query string of a config list: a page of one source. */
export const configListQuery = configPage.extend(sourceQuery.shape);

/** One page of a kind in a source, by dbid; `tenant` narrows it to one tenant (tenants themselves ignore it). */
export async function listReference(sql: Sql, source: string, k: AnyKind, page: ConfigPage): Promise<{ items: ReferenceObject[]; next: string | null }> {
  const src = await findSource(sql, source);
  const byTenant = k.path !== "tenants" && page.tenant !== undefined;
  const rows = await sql<ReferenceObject[]>`
    select ${selectList(sql, k)} from ${cfgTable(sql, src, k.table)}
     where dbid > ${page.cursor ? Number(page.cursor) : 0} ${byTenant ? sql`and tenant_dbid = ${page.tenant!}` : sql``}
     order by dbid limit ${page.limit + 1}`;
  const items = rows.slice(0, page.limit);
  return { items, next: rows.length > page.limit ? String(items.at(-1)!.dbid) : null };
}

async function readReference(sql: Sql, source: SourceRow, k: AnyKind, id: number): Promise<ReferenceObject> {
  const [row] = await sql<ReferenceObject[]>`select ${selectList(sql, k)} from ${cfgTable(sql, source, k.table)} where dbid = ${id}`;
  if (!row) throw new DomainError("NOT_FOUND", `There is no ${k.noun} with dbid ${id} ${inSource(source)}.`);
  return row;
}

export async function getReference(sql: Sql, source: string, k: AnyKind, id: number): Promise<ReferenceObject> {
  return readReference(sql, await findSource(sql, source), k, id);
}

async function checkTenant(tx: Sql, source: SourceRow, tenantDbid: number | undefined) {
  if (tenantDbid === undefined) return;
  const [tenant] = await tx`select 1 from ${cfgTable(tx, source, "tenants")} where dbid = ${tenantDbid}`;
  if (!tenant) throw fieldError("NOT_FOUND", "tenantDbid", `There is no tenant with dbid ${tenantDbid} ${inSource(source)}.`);
}

async function checkNameFree(tx: Sql, source: SourceRow, k: AnyKind, tenantDbid: number | null, name: string, except: number | null) {
  const [taken] = k.path === "tenants"
    ? await tx`select dbid from ${cfgTable(tx, source, "tenants")} where name = ${name} and dbid is distinct from ${except}`
    : await tx`select dbid from ${cfgTable(tx, source, k.table)} where tenant_dbid = ${tenantDbid} and name = ${name} and dbid is distinct from ${except}`;
  if (taken) {
    const where = k.path === "tenants" ? inSource(source) : `in tenant ${tenantDbid} of source ${source.name}`;
    throw fieldError("CONFLICT", "name", `A ${k.noun} named ${name} exists already ${where} (dbid ${taken.dbid}).`);
  }
}

/**
 * A cfg write's transaction in one source. Its first statement takes that source's change counter, as every
 * cfg writer's first write does through the feed's statement trigger (db/migrations/0002): locking a row first
 * and the counter second would deadlock against a DELETE, which takes them the other way round. Holding the
 * counter also makes this writer's checks (a name free, a login unheld) true until it commits. Each source has
 * a counter of its own, so writers of two sources never wait for each other.
 */
export function cfgTransaction<T>(sql: Sql, source: SourceRow, work: (tx: Sql) => Promise<T>): Promise<T> {
  return sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    await tx`select 1 from ${cfgTable(tx, source, "change_counter")} where one for update`;
    return work(tx);
  }) as Promise<T>;
}

/** The database's own refusals (a write racing ours), in the API's words. */
export function fromDatabaseError(error: unknown, noun: string, source: SourceRow): never {
  const code = (error as { code?: string }).code;
  if (code === "23505") throw new DomainError("CONFLICT", `That ${noun} collides with one that exists already ${inSource(source)}.`);
  if (code === "23503") throw new DomainError("NOT_FOUND", `The ${noun} names an object that no longer exists ${inSource(source)}.`);
  throw error;
}

export async function createReference(sql: Sql, source: string, k: AnyKind, body: unknown): Promise<ReferenceObject> {
  const input = k.create.parse(body) as Record<string, string | number>;
  const src = await writableSource(sql, source);
  try {
    const dbid = await cfgTransaction(sql, src, async (tx) => {
      await checkTenant(tx, src, input.tenantDbid as number | undefined);
      await checkNameFree(tx, src, k, (input.tenantDbid as number | undefined) ?? null, input.name as string, null);
      const row = Object.fromEntries(Object.entries(k.columns).map(([field, column]) => [column, input[field]]));
      const [created] = await tx`insert into ${cfgTable(tx, src, k.table)} ${tx(row)} returning dbid`;
      return created!.dbid as number;
    });
    return readReference(sql, src, k, dbid);
  } catch (error) {
    return fromDatabaseError(error, k.noun, src);
  }
}

/** Changes the given fields; a field given with the value it has writes nothing, so the feed stays quiet. */
export async function updateReference(sql: Sql, source: string, k: AnyKind, id: number, body: unknown): Promise<ReferenceObject> {
  const input = k.patch.parse(body) as Record<string, string | number>;
  const src = await writableSource(sql, source);
  try {
    await cfgTransaction(sql, src, async (tx) => {
      const [current] = await tx<ReferenceObject[]>`select ${selectList(tx, k)} from ${cfgTable(tx, src, k.table)} where dbid = ${id} for update`;
      if (!current) throw new DomainError("NOT_FOUND", `There is no ${k.noun} with dbid ${id} ${inSource(src)}.`);
      const changed = Object.entries(input).filter(([field, value]) => current[field] !== value);
      if (changed.length === 0) return;
      await checkNameFree(tx, src, k, (current.tenantDbid as number | undefined) ?? null, (input.name ?? current.name) as string, id);
      const row = Object.fromEntries(changed.map(([field, value]) => [(k.columns as Record<string, string>)[field]!, value]));
      await tx`update ${cfgTable(tx, src, k.table)} set ${tx(row)} where dbid = ${id}`;
    });
    return readReference(sql, src, k, id);
  } catch (error) {
    return fromDatabaseError(error, k.noun, src);
  }
}

/**
 * Deletes the object and, as cfg's foreign keys say, what hangs from it: a tenant takes its switches, time
 * zones, skills and persons; a switch its logins; a skill its levels. Sync then terminates the agents whose
 * persons went and removes the levels.
 */
export async function deleteReference(sql: Sql, source: string, k: AnyKind, id: number): Promise<void> {
  const src = await writableSource(sql, source);
  const rows = await sql`delete from ${cfgTable(sql, src, k.table)} where dbid = ${id} returning dbid`;
  if (rows.length === 0) throw new DomainError("NOT_FOUND", `There is no ${k.noun} with dbid ${id} ${inSource(src)}.`);
}
