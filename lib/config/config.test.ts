/**
 * The cfg writer behind /api/v1/config (SPEC §6): what it writes, what it refuses, and that it feeds the
 * change feed exactly as a configuration tool would — one person with its logins and levels in one commit,
 * and nothing in the feed for a write that changes nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { Database, Sql } from "../db/client";
import { DomainError } from "../errors";
import { freshDatabase } from "../testing/database";
import { createPerson, deletePerson, getPerson, listPersons, removeSkillLevel, setSkillLevel, updatePerson } from "./persons";
import { createReference, deleteReference, listReference, referenceKind, updateReference } from "./reference";
import { MAIN_SOURCE } from "./source-names";

let database: Database;
let sql: Sql;

beforeAll(async () => {
  database = await freshDatabase();
  sql = database.sql;
});

const feedHead = async () => Number((await sql`select seq from cfg.change_counter`)[0]!.seq);
const changesSince = (seq: number) =>
  sql<{ objectType: string; op: string; tx: string }[]>`
    select object_type as "objectType", op, xmin::text as tx from cfg.changes where seq > ${seq} order by seq`;

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function world() {
  const tenant = await createReference(sql, MAIN_SOURCE, referenceKind("tenants"), { name: `Tenant ${Math.random()}` });
  const sw = await createReference(sql, MAIN_SOURCE, referenceKind("switches"), { tenantDbid: tenant.dbid, name: `SW ${tenant.dbid}` });
  const skill = await createReference(sql, MAIN_SOURCE, referenceKind("skills"), { tenantDbid: tenant.dbid, name: `Billing ${tenant.dbid}` });
  return { tenant: tenant.dbid, sw: sw.dbid, skill: skill.dbid };
}

describe("reference objects", () => {
  it("creates, renames and deletes, refusing a second name in one tenant but not across tenants", async () => {
    const a = await createReference(sql, MAIN_SOURCE, referenceKind("tenants"), { name: "Acme" });
    const b = await createReference(sql, MAIN_SOURCE, referenceKind("tenants"), { name: "Bravo" });
    const skills = referenceKind("skills");
    const sales = await createReference(sql, MAIN_SOURCE, skills, { tenantDbid: a.dbid, name: "Sales" });
    expect(sales).toEqual({ dbid: expect.any(Number), tenantDbid: a.dbid, name: "Sales" });

    const same = await refusal(createReference(sql, MAIN_SOURCE, skills, { tenantDbid: a.dbid, name: "Sales" }));
    expect(same.code).toBe("CONFLICT");
    expect(same.details).toEqual([{ path: "name", message: `A skill named Sales exists already in tenant ${a.dbid} of source main (dbid ${sales.dbid}).` }]);
    // The real system accepts this mistake; sync's duplicate-name check is what catches it (SPEC §2.4).
    await expect(createReference(sql, MAIN_SOURCE, skills, { tenantDbid: b.dbid, name: "Sales" })).resolves.toMatchObject({ name: "Sales" });

    const renamed = await updateReference(sql, MAIN_SOURCE, skills, sales.dbid, { name: "Sales EN" });
    expect(renamed.name).toBe("Sales EN");
    const unknownTenant = await refusal(createReference(sql, MAIN_SOURCE, skills, { tenantDbid: 999_999, name: "X" }));
    expect(unknownTenant).toMatchObject({ code: "NOT_FOUND", details: [{ path: "tenantDbid" }] });
    await deleteReference(sql, MAIN_SOURCE, skills, sales.dbid);
    expect((await refusal(deleteReference(sql, MAIN_SOURCE, skills, sales.dbid))).code).toBe("NOT_FOUND");
  });

  it("checks a time zone's IANA name and pages lists by dbid", async () => {
    const t = await createReference(sql, MAIN_SOURCE, referenceKind("tenants"), { name: "Zones" });
    const zones = referenceKind("time-zones");
    await expect(createReference(sql, MAIN_SOURCE, zones, { tenantDbid: t.dbid, name: "Mars", ianaName: "Mars/Olympus" })).rejects.toBeInstanceOf(ZodError);
    for (const [name, iana] of [["EST", "America/New_York"], ["CET", "Europe/Paris"]] as const) {
      await createReference(sql, MAIN_SOURCE, zones, { tenantDbid: t.dbid, name, ianaName: iana });
    }
    // Stored as the time-zone database spells it, whatever case it was sent in.
    await expect(createReference(sql, MAIN_SOURCE, zones, { tenantDbid: t.dbid, name: "Oslo", ianaName: "europe/oslo" })).resolves.toMatchObject({ ianaName: "Europe/Oslo" });
    await createReference(sql, MAIN_SOURCE, zones, { tenantDbid: t.dbid, name: "JST", ianaName: "Asia/Tokyo" });
    const first = await listReference(sql, MAIN_SOURCE, zones, { tenant: t.dbid, limit: 2 });
    expect(first.items.map((z) => z.name)).toEqual(["EST", "CET"]);
    const second = await listReference(sql, MAIN_SOURCE, zones, { tenant: t.dbid, limit: 2, cursor: first.next! });
    expect(second.items.map((z) => z.name)).toEqual(["Oslo", "JST"]);
    expect(second.next).toBeNull();
  });

  it("writes nothing to the feed for a change to what a field already holds", async () => {
    const { skill } = await world();
    const head = await feedHead();
    const current = await updateReference(sql, MAIN_SOURCE, referenceKind("skills"), skill, { name: `Billing` });
    await updateReference(sql, MAIN_SOURCE, referenceKind("skills"), skill, { name: current.name });
    expect((await changesSince(head)).map((c) => c.op)).toEqual(["changed"]);
    await expect(updateReference(sql, MAIN_SOURCE, referenceKind("skills"), skill, {})).rejects.toBeInstanceOf(ZodError);
  });
});

describe("what the writer refuses or keeps", () => {
  it("does not move switches, skills or time zones between tenants, and knows only its own kinds", async () => {
    const { sw } = await world();
    const other = await createReference(sql, MAIN_SOURCE, referenceKind("tenants"), { name: `Elsewhere ${Math.random()}` });
    await expect(updateReference(sql, MAIN_SOURCE, referenceKind("switches"), sw, { tenantDbid: other.dbid })).rejects.toBeInstanceOf(ZodError);
    for (const kind of ["constructor", "toString", "__proto__", "persons"]) expect(() => referenceKind(kind)).toThrow(DomainError);
  });

  it("keeps a time-zone alias as sent, fixing only the case of a known name; refuses NUL characters", async () => {
    const t = await createReference(sql, MAIN_SOURCE, referenceKind("tenants"), { name: `Aliases ${Math.random()}` });
    const zones = referenceKind("time-zones");
    await expect(createReference(sql, MAIN_SOURCE, zones, { tenantDbid: t.dbid, name: "EST", ianaName: "EST" })).resolves.toMatchObject({ ianaName: "EST" });
    await expect(createReference(sql, MAIN_SOURCE, zones, { tenantDbid: t.dbid, name: "NY", ianaName: "america/new_york" })).resolves.toMatchObject({ ianaName: "America/New_York" });
    await expect(createReference(sql, MAIN_SOURCE, referenceKind("tenants"), { name: "a\u0000b" })).rejects.toBeInstanceOf(ZodError);
  });

  it("runs beside concurrent deletes without deadlocking: each write takes the change counter first", async () => {
    const { tenant, sw } = await world();
    for (let round = 0; round < 15; round++) {
      const person = await createPerson(sql, MAIN_SOURCE, { tenantDbid: tenant, username: `racer${round}`, logins: [{ switchDbid: sw, code: `R${round}` }] });
      const outcomes = await Promise.allSettled([
        updatePerson(sql, MAIN_SOURCE, person.dbid, { firstName: `Round ${round}`, logins: [] }),
        deletePerson(sql, MAIN_SOURCE, person.dbid),
        updateReference(sql, MAIN_SOURCE, referenceKind("switches"), sw, { name: `SW ${tenant} r${round}` }),
      ]);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") expect((outcome.reason as DomainError).code).toBe("NOT_FOUND");
      }
    }
  });
});

describe("persons", () => {
  it("creates a person with logins and levels in one transaction, and reads it back in the SPEC's shape", async () => {
    const { tenant, sw, skill } = await world();
    const head = await feedHead();
    const person = await createPerson(sql, MAIN_SOURCE, {
      tenantDbid: tenant,
      username: "ada",
      firstName: "Ada",
      lastName: "Lovelace",
      email: "ada@example.com",
      employeeId: "E-1",
      logins: [{ switchDbid: sw, code: "1001" }],
      skills: [{ skillDbid: skill, level: 7 }],
    });
    expect(person).toEqual({
      dbid: expect.any(Number),
      tenantDbid: tenant,
      username: "ada",
      firstName: "Ada",
      lastName: "Lovelace",
      email: "ada@example.com",
      employeeId: "E-1",
      isAgent: true,
      logins: [{ switchDbid: sw, code: "1001" }],
      skills: [{ skillDbid: skill, level: 7 }],
    });
    const changes = await changesSince(head);
    expect(changes.map((c) => `${c.objectType} ${c.op}`)).toEqual(["person created", "agent_login created", "skill_level created"]);
    expect(new Set(changes.map((c) => c.tx)).size).toBe(1);
    expect(await getPerson(sql, MAIN_SOURCE, person.dbid)).toEqual(person);
  });

  it("replaces logins and levels with a PATCH, freeing dropped logins and writing only differences", async () => {
    const { tenant, sw, skill } = await world();
    const other = (await createReference(sql, MAIN_SOURCE, referenceKind("skills"), { tenantDbid: tenant, name: `Other ${tenant}` })).dbid;
    const person = await createPerson(sql, MAIN_SOURCE, {
      tenantDbid: tenant,
      username: "grace",
      logins: [{ switchDbid: sw, code: "2001" }],
      skills: [{ skillDbid: skill, level: 3 }, { skillDbid: other, level: 5 }],
    });
    const head = await feedHead();
    const patched = await updatePerson(sql, MAIN_SOURCE, person.dbid, {
      lastName: "Hopper",
      logins: [{ switchDbid: sw, code: "2002" }],
      skills: [{ skillDbid: skill, level: 3 }],
    });
    expect(patched).toMatchObject({ lastName: "Hopper", logins: [{ switchDbid: sw, code: "2002" }], skills: [{ skillDbid: skill, level: 3 }] });
    expect((await changesSince(head)).map((c) => `${c.objectType} ${c.op}`).sort()).toEqual(
      ["person changed", "agent_login changed", "agent_login created", "skill_level deleted"].sort(),
    );
    const [freed] = await sql`select person_dbid from cfg.agent_logins where switch_dbid = ${sw} and code = '2001'`;
    expect(freed).toEqual({ person_dbid: null });

    // A freed login is taken up again by the next person given it; one held by a person is refused.
    const taker = await createPerson(sql, MAIN_SOURCE, { tenantDbid: tenant, username: "taker", logins: [{ switchDbid: sw, code: "2001" }] });
    expect(taker.logins).toEqual([{ switchDbid: sw, code: "2001" }]);
    const held = await refusal(createPerson(sql, MAIN_SOURCE, { tenantDbid: tenant, username: "thief", logins: [{ switchDbid: sw, code: "2002" }] }));
    expect(held).toMatchObject({ code: "CONFLICT", details: [{ path: "logins.0" }] });
    expect(held.message).toContain("belongs to grace");
    expect(await sql`select 1 from cfg.persons where username = 'thief'`).toHaveLength(0);
  });

  it("refuses a bad person whole: unknown switch, another tenant's skill, a taken username, a level of 11", async () => {
    const { tenant, sw } = await world();
    const foreign = await world();
    await createPerson(sql, MAIN_SOURCE, { tenantDbid: tenant, username: "taken" });
    const head = await feedHead();
    expect(await refusal(createPerson(sql, MAIN_SOURCE, { tenantDbid: tenant, username: "x", logins: [{ switchDbid: 999_999, code: "1" }] }))).toMatchObject({
      code: "NOT_FOUND",
      details: [{ path: "logins.0.switchDbid" }],
    });
    expect(await refusal(createPerson(sql, MAIN_SOURCE, { tenantDbid: tenant, username: "x", skills: [{ skillDbid: foreign.skill, level: 1 }] }))).toMatchObject({
      code: "CONFLICT",
      details: [{ path: "skills.0.skillDbid" }],
    });
    expect(await refusal(createPerson(sql, MAIN_SOURCE, { tenantDbid: tenant, username: "taken", logins: [{ switchDbid: sw, code: "9" }] }))).toMatchObject({
      code: "CONFLICT",
      details: [{ path: "username" }],
    });
    await expect(createPerson(sql, MAIN_SOURCE, { tenantDbid: tenant, username: "x", skills: [{ skillDbid: foreign.skill, level: 11 }] })).rejects.toBeInstanceOf(ZodError);
    await expect(createPerson(sql, MAIN_SOURCE, { tenantDbid: tenant, username: "x", logins: [{ switchDbid: sw, code: "1" }, { switchDbid: sw, code: "1" }] })).rejects.toBeInstanceOf(ZodError);
    expect(await changesSince(head)).toEqual([]);
  });

  it("sets, changes and removes one skill level, and deletes a person freeing its logins", async () => {
    const { tenant, sw, skill } = await world();
    const person = await createPerson(sql, MAIN_SOURCE, { tenantDbid: tenant, username: "linus", logins: [{ switchDbid: sw, code: "3001" }] });
    expect((await setSkillLevel(sql, MAIN_SOURCE, person.dbid, skill, { level: 4 })).skills).toEqual([{ skillDbid: skill, level: 4 }]);
    expect((await setSkillLevel(sql, MAIN_SOURCE, person.dbid, skill, { level: 9 })).skills).toEqual([{ skillDbid: skill, level: 9 }]);
    await removeSkillLevel(sql, MAIN_SOURCE, person.dbid, skill);
    expect((await refusal(removeSkillLevel(sql, MAIN_SOURCE, person.dbid, skill))).code).toBe("NOT_FOUND");
    expect((await refusal(setSkillLevel(sql, MAIN_SOURCE, person.dbid, 999_999, { level: 1 }))).code).toBe("NOT_FOUND");

    await deletePerson(sql, MAIN_SOURCE, person.dbid);
    expect((await refusal(getPerson(sql, MAIN_SOURCE, person.dbid))).code).toBe("NOT_FOUND");
    expect(await sql`select person_dbid from cfg.agent_logins where code = '3001'`).toEqual([{ person_dbid: null }]);
    const page = await listPersons(sql, MAIN_SOURCE, { tenant, limit: 10 });
    expect(page.items.map((p) => p.username)).not.toContain("linus");
  });
});
