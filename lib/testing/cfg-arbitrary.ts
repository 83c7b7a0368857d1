/**
 * Scenarios for the property tests: random cfg states over small name pools (so that collisions, renames
 * and reuse happen often), random sites, levels and users, and the manual terminations between syncs.
 */
import fc from "fast-check";
import { relative } from "node:path";
import { expect } from "vitest";
import { propertyKnob, propertyRuns } from "./property-runs";
import type { Sql } from "../db/client";
import { TODAY, type CfgState, type WfmState } from "./sync-model";

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
      // Levels only of persons that survived the uniqueness filter; the logins of the others stay, free
      // (person null), as a real cfg keeps the logins of deleted persons.
      const ids = new Set(cfg.persons.map((p) => p.dbid));
      return {
        ...cfg,
        logins: cfg.logins.map((l) => (ids.has(l.person!) ? l : { ...l, person: null })),
        levels: cfg.levels.filter((l) => ids.has(l.person)),
      };
    });


export const SERVERS = ["A", "B", "C"];

/** The WFM side of a scenario: three servers at random levels, four sites (three on switches), some users. */
export const wfmSetup = fc.record({
  levels: fc.tuple(fc.constantFrom(0, 1, 2), fc.constantFrom(0, 1, 2), fc.constantFrom(0, 1, 2)),
  siteServers: fc.array(fc.constantFrom<string | null>("A", "B", "C", null), { minLength: 4, maxLength: 4 }),
  siteSwitches: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  manual: fc.array(fc.nat(7), { maxLength: 3 }),
  reinstate: fc.array(fc.nat(7), { maxLength: 2 }),
  userFor: fc.array(fc.nat(7), { maxLength: 3 }),
});

export function modelFor(setup: { levels: number[]; siteServers: (string | null)[]; siteSwitches: boolean[]; userFor: number[] }): WfmState {
  const servers = Object.fromEntries(SERVERS.map((name, i) => [name, setup.levels[i]!]));
  // Sites 1–3 sit on switches 1–3 (where chosen), site 4 has no switch; any may be assigned.
  const sites = setup.siteServers.map((server, i) => ({
    id: i + 1,
    name: `site${i + 1}`,
    timeZone: "tz1",
    switchSource: i < 3 && setup.siteSwitches[i] ? "main" : null,
    switch: i < 3 && setup.siteSwitches[i] ? i + 1 : null,
    server,
  }));
  const users = uniqueBy(setup.userFor, String).map((dbid, i) => ({ id: i + 1, cfgDbid: dbid + 1, username: `user${i + 1}`, email: null }));
  return { servers, sites, agents: {}, skills: {}, timeZones: {}, users };
}

/** An administrator terminates some agents by hand and reinstates others, in WFM and in the model. */
export async function terminateAndReinstate(sql: Sql, model: WfmState, manual: number[], reinstate: number[]): Promise<void> {
  for (const dbid of manual.map((n) => n + 1)) {
    const agent = model.agents[dbid];
    if (!agent) continue;
    await sql`update wfm.agents set termination_date = current_date, termination_source = 'manual', awaiting_full_sync = false where cfg_dbid = ${dbid}`;
    Object.assign(agent, { terminationDate: TODAY, terminationSource: "manual", awaiting: false });
  }
  for (const dbid of reinstate.map((n) => n + 1)) {
    const agent = model.agents[dbid];
    if (!agent || agent.terminationSource !== "manual") continue;
    await sql`update wfm.agents set termination_date = null, termination_source = null, awaiting_full_sync = true where cfg_dbid = ${dbid}`;
    Object.assign(agent, { terminationDate: null, terminationSource: null, awaiting: true });
  }
}

/** Levels an administrator changes in WFM by hand: an agent, one of WFM's skills, and a level (null: removed). */
export const handEditedLevels = fc.array(
  // As many removals as changes (fast-check's default would make one edit in six a removal).
  fc.record({ agent: fc.nat(7), skill: fc.nat(7), level: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null, freq: 2 }) }),
  { maxLength: 6 },
);

/**
 * Applies hand edits of skill levels in WFM and in the model alike: a full sync must then put back what cfg
 * says for the agents in its scope (the model's rule) and leave the others' edits alone.
 */
export async function editLevelsByHand(sql: Sql, model: WfmState, edits: { agent: number; skill: number; level: number | null }[]): Promise<void> {
  const skills = Object.keys(model.skills).map(Number).sort((a, b) => a - b);
  for (const edit of edits) {
    const dbid = edit.agent + 1;
    const agent = model.agents[dbid];
    if (!agent || skills.length === 0) continue;
    const skill = skills[edit.skill % skills.length]!;
    const ids = sql`select a.id as agent_id, k.id as skill_id from wfm.agents a, wfm.skills k
                     where a.source = 'main' and a.cfg_dbid = ${dbid} and k.source = 'main' and k.cfg_dbid = ${skill}`;
    if (edit.level === null) {
      await sql`delete from wfm.agent_skills s using (${ids}) i where s.agent_id = i.agent_id and s.skill_id = i.skill_id`;
      delete agent.skills[skill];
    } else {
      await sql`insert into wfm.agent_skills (agent_id, skill_id, level) select agent_id, skill_id, ${edit.level} from (${ids}) i
                on conflict (agent_id, skill_id) do update set level = excluded.level`;
      agent.skills[skill] = edit.level;
    }
  }
}

export { propertyRuns, propertyTimeout } from "./property-runs";

/**
 * fast-check's parameters for the property tests: WFM_PROPERTY_RUNS runs (the seed random), or the one
 * failure WFM_PROPERTY_SEED and WFM_PROPERTY_PATH name, replayed exactly. A failure's message ends with the
 * command that replays it.
 */
export function propertyParameters<Ts>(): fc.Parameters<Ts> {
  const seed = propertyKnob("WFM_PROPERTY_SEED", Number.isSafeInteger, "the integer seed a failed property printed");
  const path = process.env.WFM_PROPERTY_PATH?.trim() || undefined;
  if (path && seed === undefined) throw new Error("WFM_PROPERTY_PATH replays a failure only with the WFM_PROPERTY_SEED printed beside it");
  if (path && !/^\d+(:\d+)*$/.test(path)) throw new Error(`WFM_PROPERTY_PATH must be the path a failed property printed (such as 17 or 17:0:3), not '${path}'`);
  return {
    numRuns: propertyRuns(),
    // Each run costs real syncs: the first failing case is reported as found, not shrunk.
    endOnFailure: true,
    ...(seed !== undefined ? { seed } : {}),
    ...(path ? { path } : {}),
    asyncReporter: async (details) => {
      if (!details.failed) return;
      const file = expect.getState().testPath;
      const replay = [
        `WFM_PROPERTY_SEED=${details.seed}`,
        ...(details.counterexamplePath ? [`WFM_PROPERTY_PATH=${details.counterexamplePath}`] : []),
        `npx vitest run ${file ? relative(process.cwd(), file) : "<this file>"}`,
      ].join(" ");
      throw new Error(`${await fc.asyncDefaultReportMessage(details)}\n\nReplay this case exactly: ${replay}`, { cause: details.errorInstance });
    },
  };
}
