/**
 * The cfg writer behind /api/v1/config (SPEC §6): what it writes, what it refuses, and that it feeds the
 * change feed exactly as a configuration tool would — one person with its logins and levels in one commit,
 * and nothing in the feed for a write that changes nothing. Every call names its source (SPEC §2.9); a write
 * to one source never touches another's schema.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { Database, Sql } from "../db/client";
import { DomainError } from "../errors";
import { freshDatabase } from "../testing/database";
import { holdTransaction } from "../testing/locks";
import { createPerson, deletePerson, getPerson, listPersons, removeSkillLevel, setSkillLevel, updatePerson } from "./persons";
import { createReference, deleteReference, getReference, listReference, referenceKind, sourceQuery, updateReference } from "./reference";
import { MAIN_SOURCE } from "./source-names";
import { sourceSchemaDdl } from "./source-schema";

let database: Database;
let sql: Sql;

const EU = "eu";

beforeAll(async () => {
  database = await freshDatabase();
  sql = database.sql;
  // A second local source, made as registering one makes it: its schema from the one definition, then its row.
  await sql.begin(async (tx) => {
    await tx.unsafe(sourceSchemaDdl("cfg_eu"));
    await tx`insert into wfm.config_sources (name, kind, schema) values (${EU}, 'local', 'cfg_eu')`;
  });
});

const feedHead = async (schema = "cfg") => Number((await sql`select seq from ${sql(`${schema}.change_counter`)}`)[0]!.seq);
const changesSince = (seq: number, schema = "cfg") =>
  sql<{ objectType: string; op: string; tx: string }[]>`
    select object_type as "objectType", op, xmin::text as tx from ${sql(`${schema}.changes`)} where seq > ${seq} order by seq`;

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function world(source = MAIN_SOURCE) {
  const tenant = await createReference(sql, source, referenceKind("tenants"), { name: `Tenant ${Math.random()}` });
  const sw = await createReference(sql, source, referenceKind("switches"), { tenantDbid: tenant.dbid, name: `SW ${tenant.dbid}` });
  const skill = await createReference(sql, source, referenceKind("skills"), { tenantDbid: tenant.dbid, name: `Billing ${tenant.dbid}` });
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

describe("sources", () => {
  it("keeps the same dbid in main and eu as two persons, and a write in eu never touches cfg", async () => {
    const main = await world();
    const eu = await world(EU);
    const ada = await createPerson(sql, MAIN_SOURCE, { tenantDbid: main.tenant, username: "ada.main", logins: [{ switchDbid: main.sw, code: "7001" }] });
    // eu's next person gets main's dbid: dbids are counted per source, so the two can meet.
    await sql`select setval('cfg_eu.persons_dbid_seq', ${ada.dbid}, false)`;
    const mainHead = await feedHead();
    const euHead = await feedHead("cfg_eu");

    const eve = await createPerson(sql, EU, { tenantDbid: eu.tenant, username: "eve.eu", logins: [{ switchDbid: eu.sw, code: "7001" }], skills: [{ skillDbid: eu.skill, level: 2 }] });
    expect(eve.dbid).toBe(ada.dbid);
    await updatePerson(sql, EU, eve.dbid, { lastName: "Europa", skills: [{ skillDbid: eu.skill, level: 5 }] });
    await setSkillLevel(sql, EU, eve.dbid, eu.skill, { level: 6 });
    await updateReference(sql, EU, referenceKind("skills"), eu.skill, { name: "Billing EU" });

    expect(await getPerson(sql, MAIN_SOURCE, ada.dbid)).toEqual(ada);
    expect(await getPerson(sql, EU, eve.dbid)).toMatchObject({ username: "eve.eu", lastName: "Europa", skills: [{ skillDbid: eu.skill, level: 6 }] });
    expect(await changesSince(mainHead)).toEqual([]);
    expect((await changesSince(euHead, "cfg_eu")).map((c) => `${c.objectType} ${c.op}`)).toEqual([
      "person created", "agent_login created", "skill_level created", "person changed", "skill_level changed", "skill_level changed", "skill changed",
    ]);

    // Lists and deletes are per source too.
    expect((await listPersons(sql, EU, { limit: 100 })).items.map((p) => p.username)).toEqual(["eve.eu"]);
    expect((await listPersons(sql, MAIN_SOURCE, { limit: 1000 })).items.map((p) => p.username)).not.toContain("eve.eu");
    await deletePerson(sql, EU, eve.dbid);
    expect(await getPerson(sql, MAIN_SOURCE, ada.dbid)).toEqual(ada);
    const gone = await refusal(getPerson(sql, EU, eve.dbid));
    expect(gone).toMatchObject({ code: "NOT_FOUND", message: `There is no person with dbid ${eve.dbid} in source eu.` });
  });

  it("checks references within the source: main's switch and skill are not eu's", async () => {
    const main = await world();
    const eu = await world(EU);
    await sql`select setval('cfg_eu.switches_dbid_seq', (select max(dbid) from cfg_eu.switches) + 1000)`;
    const head = await feedHead("cfg_eu");
    const foreignSwitch = await refusal(createPerson(sql, EU, { tenantDbid: eu.tenant, username: "x", logins: [{ switchDbid: main.sw, code: "1" }] }));
    expect(foreignSwitch).toMatchObject({ code: "NOT_FOUND", message: `There is no switch with dbid ${main.sw} in source eu.` });
    const foreignTenant = await refusal(createReference(sql, EU, referenceKind("skills"), { tenantDbid: main.tenant + 1000, name: "Nowhere" }));
    expect(foreignTenant).toMatchObject({ code: "NOT_FOUND", details: [{ path: "tenantDbid", message: `There is no tenant with dbid ${main.tenant + 1000} in source eu.` }] });
    expect(await changesSince(head, "cfg_eu")).toEqual([]);
    // The same skill name in both sources is accepted here; sync's duplicate check is what catches it (SPEC §2.9).
    await createReference(sql, MAIN_SOURCE, referenceKind("skills"), { tenantDbid: main.tenant, name: "Sales" });
    await expect(createReference(sql, EU, referenceKind("skills"), { tenantDbid: eu.tenant, name: "Sales" })).resolves.toMatchObject({ name: "Sales" });
  });

  it("answers an unknown source with NOT_FOUND naming it, writing nothing; refuses what cannot be a source's name", async () => {
    const head = await feedHead();
    for (const work of [
      () => getPerson(sql, "nowhere", 1),
      () => listPersons(sql, "nowhere", { limit: 10 }),
      () => createPerson(sql, "nowhere", { tenantDbid: 1, username: "x" }),
      () => deletePerson(sql, "nowhere", 1),
      () => getReference(sql, "nowhere", referenceKind("tenants"), 1),
      () => createReference(sql, "nowhere", referenceKind("tenants"), { name: "Nowhere" }),
      () => deleteReference(sql, "nowhere", referenceKind("tenants"), 1),
    ]) {
      expect(await refusal(work())).toMatchObject({ code: "NOT_FOUND", message: 'There is no configuration source named "nowhere".' });
    }
    expect(await changesSince(head)).toEqual([]);
    expect(sourceQuery.parse({})).toEqual({ source: "main" });
    expect(sourceQuery.parse({ source: "eu" })).toEqual({ source: "eu" });
    for (const bad of ["EU", "1eu", "eu-west", "", "eu; drop schema cfg", "a".repeat(32)]) {
      expect(() => sourceQuery.parse({ source: bad }), bad).toThrow(ZodError);
    }
  });

  it("refuses writes to a replicated source, naming where to write", async () => {
    await sql.begin(async (tx) => {
      await tx.unsafe(sourceSchemaDdl("cfg_far"));
      await tx`insert into wfm.config_sources (name, kind, schema, connection, slot)
               values ('far', 'replicated', 'cfg_far', 'postgres://wfm:s3cret@config.example:5433/configdb', 'wfm_far_0')`;
    });
    const refused = await refusal(createReference(sql, "far", referenceKind("tenants"), { name: "Far" }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toContain("Source far is replicated from its Configuration Database at config.example:5433/configdb");
    expect(refused.message).not.toContain("s3cret");
    await expect(listReference(sql, "far", referenceKind("tenants"), { limit: 10 })).resolves.toEqual({ items: [], next: null });
  });

  it("locks only its own source's change counter: an eu write goes on while main's counter is held", async () => {
    const { tenant } = await world(EU);
    const held = await holdTransaction(database.url, (tx) => tx`select 1 from cfg.change_counter where one for update`);
    try {
      await expect(createPerson(sql, EU, { tenantDbid: tenant, username: "unblocked" })).resolves.toMatchObject({ username: "unblocked" });
    } finally {
      await held.rollback();
    }
  });
});
