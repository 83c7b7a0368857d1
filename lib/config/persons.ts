/**
 * Persons in the Configuration Database with their logins and skill levels (SPEC §6.1 "cfg person"), written
 * as a configuration tool writes them: a person, its logins and its levels change together in one transaction,
 * so real-time sync never sees half a person.
 *
 * Logins outlive persons: a login dropped from a person's list is freed (its person cleared), not deleted, and
 * a free login given to a person is taken up again. A login held by another person is refused rather than
 * silently moved — take it from that person first.
 *
 * Every call names its configuration source (SPEC §2.9) and touches that source's schema only: a person with
 * dbid 7 in `main` (schema cfg) and one with dbid 7 in `eu` (cfg_eu) are two persons.
 */
import { z } from "zod";
import { cfgPersonShape } from "../api/shapes";
import type { Sql } from "../db/client";
import { DomainError, fieldError } from "../errors";
import { BIGINT_ID_MAX, idNumber, nameText } from "../input";
import { cfgTable, cfgTransaction, fromDatabaseError, inSource, writableSource, type ConfigPage } from "./reference";
import { findSource, type SourceRow } from "./source-names";

const bounded = (what: string, max: number) => nameText(what).trim().max(max, `${what} has at most ${max} characters`);
const positive = (what: string) => idNumber(what, BIGINT_ID_MAX);

const login = z.strictObject({
  switchDbid: positive("switchDbid"),
  code: bounded("code", 64).min(1, "a login's code is not empty"),
});
const skillLevel = z.strictObject({
  skillDbid: positive("skillDbid"),
  level: z.number({ message: "level is a whole number from 0 to 10" }).int("level is a whole number").min(0, "level is at least 0").max(10, "level is at most 10"),
});

const logins = z.array(login).max(100, "a person has at most 100 logins").refine(
  (list) => new Set(list.map((l) => `${l.switchDbid}/${l.code}`)).size === list.length,
  { message: "a login is listed twice" },
);
const skills = z.array(skillLevel).max(500, "a person has at most 500 skill levels").refine(
  (list) => new Set(list.map((s) => s.skillDbid)).size === list.length,
  { message: "a skill is listed twice; a person has one level per skill" },
);

const personFields = {
  tenantDbid: positive("tenantDbid"),
  username: bounded("username", 255).min(1, "Enter the person's username."),
  firstName: bounded("firstName", 255),
  lastName: bounded("lastName", 255),
  email: z.email({ message: "email is an e-mail address" }).max(255).nullable(),
  employeeId: bounded("employeeId", 64).min(1, "employeeId is not empty; send null for none").nullable(),
  isAgent: z.boolean({ message: "isAgent is true or false" }),
  logins,
  skills,
};

/** POST /api/v1/config/persons: a person with its logins and skill levels inline. */
export const personInput = z.strictObject({
  ...personFields,
  firstName: personFields.firstName.default(""),
  lastName: personFields.lastName.default(""),
  email: personFields.email.default(null),
  employeeId: personFields.employeeId.default(null),
  isAgent: personFields.isAgent.default(true),
  logins: personFields.logins.default([]),
  skills: personFields.skills.default([]),
});

/** PATCH /api/v1/config/persons/{dbid}: any field; a given `logins` or `skills` list replaces the old one. */
export const personPatch = z
  .strictObject(personFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: "Name at least one field to change." });

export const skillLevelInput = z.strictObject({ level: skillLevel.shape.level });

/** SPEC §6.1 "cfg person". */
export type PersonView = z.infer<typeof cfgPersonShape>;

const personColumns = (sql: Sql, src: SourceRow) => sql`
  p.dbid, p.tenant_dbid as "tenantDbid", p.username, p.first_name as "firstName", p.last_name as "lastName", p.email,
  p.employee_id as "employeeId", p.is_agent as "isAgent",
  coalesce((select json_agg(json_build_object('switchDbid', l.switch_dbid, 'code', l.code) order by l.switch_dbid, l.code)
              from ${cfgTable(sql, src, "agent_logins")} l where l.person_dbid = p.dbid), '[]') as logins,
  coalesce((select json_agg(json_build_object('skillDbid', s.skill_dbid, 'level', s.level) order by s.skill_dbid)
              from ${cfgTable(sql, src, "skill_levels")} s where s.person_dbid = p.dbid), '[]') as skills`;

const noPerson = (src: SourceRow, dbid: number) => new DomainError("NOT_FOUND", `There is no person with dbid ${dbid} ${inSource(src)}.`);

async function readPerson(sql: Sql, src: SourceRow, dbid: number): Promise<PersonView> {
  const [person] = await sql<PersonView[]>`select ${personColumns(sql, src)} from ${cfgTable(sql, src, "persons")} p where p.dbid = ${dbid}`;
  if (!person) throw noPerson(src, dbid);
  return person;
}

export async function getPerson(sql: Sql, source: string, dbid: number): Promise<PersonView> {
  return readPerson(sql, await findSource(sql, source), dbid);
}

export async function listPersons(sql: Sql, source: string, page: ConfigPage): Promise<{ items: PersonView[]; next: string | null }> {
  const src = await findSource(sql, source);
  const rows = await sql<PersonView[]>`
    select ${personColumns(sql, src)} from ${cfgTable(sql, src, "persons")} p
     where p.dbid > ${page.cursor ? Number(page.cursor) : 0} ${page.tenant !== undefined ? sql`and p.tenant_dbid = ${page.tenant}` : sql``}
     order by p.dbid limit ${page.limit + 1}`;
  const items = rows.slice(0, page.limit);
  return { items, next: rows.length > page.limit ? String(items.at(-1)!.dbid) : null };
}

/** The tenant exists, the username is free in it, and every switch and skill named is the tenant's own. */
async function checkReferences(
  tx: Sql,
  src: SourceRow,
  dbid: number | null,
  person: { tenantDbid: number; username: string },
  lists: { logins?: z.output<typeof logins>; skills?: z.output<typeof skills> },
) {
  const where = inSource(src);
  const [tenant] = await tx`select 1 from ${cfgTable(tx, src, "tenants")} where dbid = ${person.tenantDbid}`;
  if (!tenant) throw fieldError("NOT_FOUND", "tenantDbid", `There is no tenant with dbid ${person.tenantDbid} ${where}.`);
  const [taken] = await tx`
    select dbid from ${cfgTable(tx, src, "persons")}
     where tenant_dbid = ${person.tenantDbid} and username = ${person.username} and dbid is distinct from ${dbid}`;
  if (taken) throw fieldError("CONFLICT", "username", `The username ${person.username} belongs to person ${taken.dbid} in tenant ${person.tenantDbid} of source ${src.name} already.`);

  const switchDbids = [...new Set((lists.logins ?? []).map((l) => l.switchDbid))];
  if (switchDbids.length) {
    const found = await tx<{ dbid: number; tenantDbid: number }[]>`
      select dbid, tenant_dbid as "tenantDbid" from ${cfgTable(tx, src, "switches")} where dbid = any(${switchDbids}::bigint[])`;
    for (const [i, l] of (lists.logins ?? []).entries()) {
      const sw = found.find((s) => s.dbid === l.switchDbid);
      if (!sw) throw fieldError("NOT_FOUND", `logins.${i}.switchDbid`, `There is no switch with dbid ${l.switchDbid} ${where}.`);
      if (sw.tenantDbid !== person.tenantDbid)
        throw fieldError("CONFLICT", `logins.${i}.switchDbid`, `Switch ${l.switchDbid} belongs to tenant ${sw.tenantDbid}, not to the person's tenant ${person.tenantDbid}.`);
    }
  }
  const skillDbids = (lists.skills ?? []).map((s) => s.skillDbid);
  if (skillDbids.length) {
    const found = await tx<{ dbid: number; tenantDbid: number }[]>`
      select dbid, tenant_dbid as "tenantDbid" from ${cfgTable(tx, src, "skills")} where dbid = any(${skillDbids}::bigint[])`;
    for (const [i, s] of (lists.skills ?? []).entries()) {
      const skill = found.find((k) => k.dbid === s.skillDbid);
      if (!skill) throw fieldError("NOT_FOUND", `skills.${i}.skillDbid`, `There is no skill with dbid ${s.skillDbid} ${where}.`);
      if (skill.tenantDbid !== person.tenantDbid)
        throw fieldError("CONFLICT", `skills.${i}.skillDbid`, `Skill ${s.skillDbid} belongs to tenant ${skill.tenantDbid}, not to the person's tenant ${person.tenantDbid}.`);
    }
  }
}

/** Makes the person's logins exactly `wanted`: frees the others, takes up free ones, creates new ones. */
async function replaceLogins(tx: Sql, src: SourceRow, dbid: number, wanted: z.output<typeof logins>) {
  const loginTable = cfgTable(tx, src, "agent_logins");
  const held = await tx<{ dbid: number; switchDbid: number; code: string }[]>`
    select dbid, switch_dbid as "switchDbid", code from ${loginTable} where person_dbid = ${dbid} for update`;
  const key = (l: { switchDbid: number; code: string }) => `${l.switchDbid}/${l.code}`;
  const wantedKeys = new Set(wanted.map(key));
  const dropped = held.filter((l) => !wantedKeys.has(key(l))).map((l) => l.dbid);
  if (dropped.length) await tx`update ${loginTable} set person_dbid = null where dbid = any(${dropped}::bigint[])`;
  const heldKeys = new Set(held.map(key));
  for (const [i, l] of wanted.entries()) {
    if (heldKeys.has(key(l))) continue;
    const [existing] = await tx<{ dbid: number; personDbid: number | null; username: string | null }[]>`
      select l.dbid, l.person_dbid as "personDbid", p.username
        from ${loginTable} l left join ${cfgTable(tx, src, "persons")} p on p.dbid = l.person_dbid
       where l.switch_dbid = ${l.switchDbid} and l.code = ${l.code} for update of l`;
    if (existing?.personDbid != null)
      throw fieldError("CONFLICT", `logins.${i}`, `Login ${l.code} on switch ${l.switchDbid} belongs to ${existing.username} (person ${existing.personDbid}); take it from that person first.`);
    if (existing) await tx`update ${loginTable} set person_dbid = ${dbid} where dbid = ${existing.dbid}`;
    else await tx`insert into ${loginTable} (switch_dbid, code, person_dbid) values (${l.switchDbid}, ${l.code}, ${dbid})`;
  }
}

/** One level, added or changed; a level already at that value writes nothing (each write is a change in the feed). */
const upsertLevel = (tx: Sql, src: SourceRow, dbid: number, skillDbid: number, level: number) => tx`
  insert into ${cfgTable(tx, src, "skill_levels")} as s (person_dbid, skill_dbid, level) values (${dbid}, ${skillDbid}, ${level})
  on conflict (person_dbid, skill_dbid) do update set level = excluded.level where s.level <> excluded.level`;

/** Makes the person's levels exactly `wanted`, writing only real differences. */
async function replaceSkills(tx: Sql, src: SourceRow, dbid: number, wanted: z.output<typeof skills>) {
  const keep = wanted.map((s) => s.skillDbid);
  await tx`delete from ${cfgTable(tx, src, "skill_levels")} where person_dbid = ${dbid} and not (skill_dbid = any(${keep}::bigint[]))`;
  for (const s of wanted) await upsertLevel(tx, src, dbid, s.skillDbid, s.level);
}

export async function createPerson(sql: Sql, source: string, body: unknown): Promise<PersonView> {
  const input = personInput.parse(body);
  const src = await writableSource(sql, source);
  try {
    const dbid = await cfgTransaction(sql, src, async (tx) => {
      await checkReferences(tx, src, null, input, input);
      const [row] = await tx`
        insert into ${cfgTable(tx, src, "persons")} (tenant_dbid, username, first_name, last_name, email, employee_id, is_agent)
        values (${input.tenantDbid}, ${input.username}, ${input.firstName}, ${input.lastName}, ${input.email}, ${input.employeeId}, ${input.isAgent})
        returning dbid`;
      const dbid = row!.dbid as number;
      await replaceLogins(tx, src, dbid, input.logins);
      await replaceSkills(tx, src, dbid, input.skills);
      return dbid;
    });
    return readPerson(sql, src, dbid);
  } catch (error) {
    return fromDatabaseError(error, "person", src);
  }
}

const personFieldColumns = {
  tenantDbid: "tenant_dbid",
  username: "username",
  firstName: "first_name",
  lastName: "last_name",
  email: "email",
  employeeId: "employee_id",
  isAgent: "is_agent",
} as const;

export async function updatePerson(sql: Sql, source: string, dbid: number, body: unknown): Promise<PersonView> {
  const input = personPatch.parse(body);
  const src = await writableSource(sql, source);
  try {
    await cfgTransaction(sql, src, async (tx) => {
      const [current] = await tx<PersonView[]>`
        select ${personColumns(tx, src)} from ${cfgTable(tx, src, "persons")} p where p.dbid = ${dbid} for update of p`;
      if (!current) throw noPerson(src, dbid);
      const merged = { tenantDbid: input.tenantDbid ?? current.tenantDbid, username: input.username ?? current.username };
      // A tenant change is checked against the lists the person will have, given or kept.
      await checkReferences(tx, src, dbid, merged, {
        logins: input.logins ?? (input.tenantDbid !== undefined ? current.logins : undefined),
        skills: input.skills ?? (input.tenantDbid !== undefined ? current.skills : undefined),
      });
      const changed = Object.entries(personFieldColumns).filter(
        ([field]) => field in input && input[field as keyof typeof input] !== current[field as keyof PersonView],
      );
      if (changed.length) {
        const row = Object.fromEntries(changed.map(([field, column]) => [column, input[field as keyof typeof input]]));
        await tx`update ${cfgTable(tx, src, "persons")} set ${tx(row)} where dbid = ${dbid}`;
      }
      if (input.logins) await replaceLogins(tx, src, dbid, input.logins);
      if (input.skills) await replaceSkills(tx, src, dbid, input.skills);
    });
    return readPerson(sql, src, dbid);
  } catch (error) {
    return fromDatabaseError(error, "person", src);
  }
}

/** Deletes the person: its levels go with it and its logins are freed. Sync terminates the agent (source config). */
export async function deletePerson(sql: Sql, source: string, dbid: number): Promise<void> {
  const src = await writableSource(sql, source);
  const rows = await sql`delete from ${cfgTable(sql, src, "persons")} where dbid = ${dbid} returning dbid`;
  if (rows.length === 0) throw noPerson(src, dbid);
}

/** PUT /api/v1/config/persons/{dbid}/skills/{skillDbid} {"level"}: sets one level, adding it if the person lacks it. */
export async function setSkillLevel(sql: Sql, source: string, dbid: number, skillDbid: number, body: unknown): Promise<PersonView> {
  const { level } = skillLevelInput.parse(body);
  const src = await writableSource(sql, source);
  try {
    await cfgTransaction(sql, src, async (tx) => {
      const [person] = await tx<{ tenantDbid: number; username: string }[]>`
        select tenant_dbid as "tenantDbid", username from ${cfgTable(tx, src, "persons")} where dbid = ${dbid} for update`;
      if (!person) throw noPerson(src, dbid);
      const [skill] = await tx<{ tenantDbid: number }[]>`
        select tenant_dbid as "tenantDbid" from ${cfgTable(tx, src, "skills")} where dbid = ${skillDbid}`;
      if (!skill) throw new DomainError("NOT_FOUND", `There is no skill with dbid ${skillDbid} ${inSource(src)}.`);
      if (skill.tenantDbid !== person.tenantDbid)
        throw fieldError("CONFLICT", "skillDbid", `Skill ${skillDbid} belongs to tenant ${skill.tenantDbid}, not to the person's tenant ${person.tenantDbid}.`);
      await upsertLevel(tx, src, dbid, skillDbid, level);
    });
    return readPerson(sql, src, dbid);
  } catch (error) {
    return fromDatabaseError(error, "skill level", src);
  }
}

export async function removeSkillLevel(sql: Sql, source: string, dbid: number, skillDbid: number): Promise<void> {
  const src = await writableSource(sql, source);
  const rows = await sql`delete from ${cfgTable(sql, src, "skill_levels")} where person_dbid = ${dbid} and skill_dbid = ${skillDbid} returning 1`;
  if (rows.length === 0) throw new DomainError("NOT_FOUND", `Person ${dbid} has no level on skill ${skillDbid} ${inSource(src)}.`);
}
