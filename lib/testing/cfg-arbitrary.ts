/**
 * Random cfg states for property tests, over small name pools so that collisions, renames and reuse happen
 * often.
 */
import fc from "fast-check";
import type { CfgState } from "./sync-model";

export const uniqueBy = <T>(rows: T[], key: (row: T) => string) => {
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(key(r)) ? false : (seen.add(key(r)), true)));
};

export const cfgState = (people: number): fc.Arbitrary<CfgState> =>
  fc
    .record({
      switches: fc.array(fc.record({ tenant: fc.constantFrom(1, 2), name: fc.constantFrom("sw1", "sw2", "sw3") }), { maxLength: 3 }),
      timeZones: fc.array(fc.record({ tenant: fc.constantFrom(1, 2), name: fc.constantFrom("tz1", "tz2", "tz3"), iana: fc.constantFrom("Europe/Paris", "Asia/Tokyo") }), { maxLength: 3 }),
      skills: fc.array(fc.record({ tenant: fc.constantFrom(1, 2), name: fc.constantFrom("s1", "s2", "s3", "s4") }), { maxLength: 4 }),
      persons: fc.array(
        fc.record({
          present: fc.boolean(),
          tenant: fc.constantFrom(1, 2),
          username: fc.constantFrom("ann", "bob", "cy", "dee"),
          lastName: fc.constantFrom("Smith", "Jones"),
          email: fc.constantFrom("a@x", "b@x", null),
          isAgent: fc.boolean(),
          logins: fc.array(fc.nat(2), { maxLength: 2 }),
          levels: fc.array(fc.record({ skill: fc.nat(3), level: fc.integer({ min: 0, max: 10 }) }), { maxLength: 3 }),
        }),
        { minLength: people, maxLength: people },
      ),
    })
    .map(({ switches, timeZones, skills, persons }) => {
      const sw = uniqueBy(switches.map((s, i) => ({ dbid: i + 1, ...s })), (s) => `${s.tenant}/${s.name}`);
      const tz = uniqueBy(timeZones.map((t, i) => ({ dbid: i + 1, ...t })), (t) => `${t.tenant}/${t.name}`);
      const sk = uniqueBy(skills.map((s, i) => ({ dbid: i + 1, ...s })), (s) => `${s.tenant}/${s.name}`);
      const ps = persons
        .map((p, i) => ({ ...p, dbid: i + 1 }))
        .filter((p) => p.present);
      const logins = ps.flatMap((p) =>
        uniqueBy(p.logins.filter((n) => n < sw.length), String).map((n) => ({ switch: sw[n]!.dbid, code: `p${p.dbid}`, person: p.dbid as number | null })),
      );
      return {
        tenants: [
          { dbid: 1, name: "T1" },
          { dbid: 2, name: "T2" },
        ],
        switches: sw,
        timeZones: tz,
        skills: sk,
        persons: uniqueBy(ps, (p) => `${p.tenant}/${p.username}`).map((p) => ({
          dbid: p.dbid,
          tenant: p.tenant,
          username: p.username,
          firstName: "F",
          lastName: p.lastName,
          email: p.email,
          employeeId: `E${p.dbid}`,
          isAgent: p.isAgent || p.dbid % 2 === 0,
        })),
        logins: logins.map((l, i) => ({ dbid: i + 1, ...l })),
        levels: uniqueBy(
          ps.flatMap((p) => p.levels.filter((l) => l.skill < sk.length).map((l) => ({ person: p.dbid, skill: sk[l.skill]!.dbid, level: l.level }))),
          (l) => `${l.person}/${l.skill}`,
        ),
      };
    })
    .map((cfg) => {
      // Logins and levels only of persons that survived the uniqueness filter.
      const ids = new Set(cfg.persons.map((p) => p.dbid));
      return { ...cfg, logins: cfg.logins.filter((l) => ids.has(l.person!)), levels: cfg.levels.filter((l) => ids.has(l.person)) };
    });

