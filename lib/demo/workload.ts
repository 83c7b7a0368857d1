/**
 * A deterministic contact center of any size: cfg tenants, switches, time zones, skills, agents with logins
 * and skill levels, non-agent staff, and WFM sites on the switches. The same size and seed always give the
 * same rows, so benchmarks and tests compare like with like.
 *
 * One per configuration source (SPEC §2.9): another source's contact center has the same shape and dbids (dbids
 * are unique within a source only, so overlapping ones are the realistic case) but names of its own, since
 * switch, skill and time-zone names must be unique across sources and a collision would keep both out of WFM.
 */
import { MAIN_SOURCE } from "../config/source-names";


export const TIME_ZONES: ReadonlyArray<readonly [name: string, iana: string]> = [
  ["Eastern", "America/New_York"], ["Central", "America/Chicago"], ["Mountain", "America/Denver"],
  ["Pacific", "America/Los_Angeles"], ["Alaska", "America/Anchorage"], ["Hawaii", "Pacific/Honolulu"],
  ["Atlantic", "America/Halifax"], ["Newfoundland", "America/St_Johns"], ["Mexico City", "America/Mexico_City"],
  ["Bogota", "America/Bogota"], ["Lima", "America/Lima"], ["Santiago", "America/Santiago"],
  ["Sao Paulo", "America/Sao_Paulo"], ["Buenos Aires", "America/Argentina/Buenos_Aires"], ["London", "Europe/London"],
  ["Dublin", "Europe/Dublin"], ["Lisbon", "Europe/Lisbon"], ["Paris", "Europe/Paris"], ["Berlin", "Europe/Berlin"],
  ["Madrid", "Europe/Madrid"], ["Rome", "Europe/Rome"], ["Warsaw", "Europe/Warsaw"], ["Athens", "Europe/Athens"],
  ["Helsinki", "Europe/Helsinki"], ["Istanbul", "Europe/Istanbul"], ["Cairo", "Africa/Cairo"],
  ["Johannesburg", "Africa/Johannesburg"], ["Nairobi", "Africa/Nairobi"], ["Lagos", "Africa/Lagos"],
  ["Dubai", "Asia/Dubai"], ["Karachi", "Asia/Karachi"], ["India", "Asia/Kolkata"], ["Dhaka", "Asia/Dhaka"],
  ["Bangkok", "Asia/Bangkok"], ["Singapore", "Asia/Singapore"], ["Manila", "Asia/Manila"], ["Shanghai", "Asia/Shanghai"],
  ["Tokyo", "Asia/Tokyo"], ["Sydney", "Australia/Sydney"], ["Auckland", "Pacific/Auckland"],
];

export interface WorkloadSize {
  agents: number;
  skillsPerAgent: number;
  skills: number;
  switches: number;
  timeZones: number;
  /** Sites beyond the one per switch; they start empty and hold agents an administrator moves there. */
  extraSites: number;
  nonAgents: number;
  /** Adds a skill whose name collides across the two tenants, so Validation has something real to show. */
  duplicateSkill: boolean;
  seed: number;
}

/** SPEC §8 workload L: 100,000 agents, 800,000 skill levels, 500 skills, 200 sites, 50 switches, 40 time zones. */
export const WORKLOAD_L: WorkloadSize = {
  agents: 100_000,
  skillsPerAgent: 8,
  skills: 500,
  switches: 50,
  timeZones: 40,
  extraSites: 150,
  nonAgents: 2_000,
  duplicateSkill: false,
  seed: 42,
};

/** A workload of `agents` agents with everything else in workload L's proportions (with sensible floors). */
export function scaledWorkload(agents: number, overrides: Partial<WorkloadSize> = {}): WorkloadSize {
  const r = agents / WORKLOAD_L.agents;
  return {
    ...WORKLOAD_L,
    agents,
    skills: Math.max(12, Math.round(WORKLOAD_L.skills * r)),
    switches: Math.max(3, Math.round(WORKLOAD_L.switches * r)),
    timeZones: Math.min(TIME_ZONES.length, Math.max(6, Math.round(WORKLOAD_L.timeZones * r))),
    extraSites: Math.round(WORKLOAD_L.extraSites * r),
    nonAgents: Math.max(10, Math.round(WORKLOAD_L.nonAgents * r)),
    ...overrides,
  };
}

/** The first `npm start`: about 1,000 agents over a few sites, with one duplicate skill name. */
export const DEMO_WORKLOAD = scaledWorkload(1_000, { duplicateSkill: true, extraSites: 1 });


const CITIES = [
  "Boston", "Denver", "Austin", "Toronto", "Dublin", "Manila", "Krakow", "Lisbon", "Phoenix", "Atlanta",
  "Seattle", "Chicago", "Leeds", "Cebu", "Pune", "Halifax", "Tampa", "Omaha", "Cork", "Porto",
];
/** Each city's own time zone (a name of TIME_ZONES), so the demo's sites look like real ones. */
const CITY_ZONES: Record<string, string> = {
  Boston: "Eastern", Denver: "Mountain", Austin: "Central", Toronto: "Eastern", Dublin: "Dublin", Manila: "Manila",
  Krakow: "Warsaw", Lisbon: "Lisbon", Phoenix: "Mountain", Atlanta: "Eastern", Seattle: "Pacific", Chicago: "Central",
  Leeds: "London", Cebu: "Manila", Pune: "India", Halifax: "Atlantic", Tampa: "Eastern", Omaha: "Central", Cork: "Dublin",
  Porto: "Lisbon",
};

/** The site's time zone: its city's, when the workload has that zone, else one of those it has. */
function siteZone(site: number, zones: number): string {
  const city = CITIES[site % CITIES.length]!;
  const own = TIME_ZONES.findIndex(([name]) => name === CITY_ZONES[city]);
  return TIME_ZONES[own >= 0 && own < zones ? own : site % Math.max(1, zones)]![0];
}

const SKILL_NAMES = [
  "Billing", "Sales", "Technical Support", "Retention", "Collections", "Onboarding", "Escalations", "Chat",
  "Email", "Spanish", "French", "German", "Claims", "Returns", "Loyalty", "Outbound",
];
const FIRST_NAMES = [
  "Ava", "Liam", "Noah", "Emma", "Olivia", "Mateo", "Sofia", "Lucas", "Mia", "Ethan", "Aria", "Leo", "Zoe",
  "Omar", "Priya", "Chen", "Fatima", "Jonas", "Ines", "Kenji", "Amara", "Diego", "Hana", "Ravi", "Elena",
];
const LAST_NAMES = [
  "Smith", "Garcia", "Nguyen", "Kowalski", "Okafor", "Silva", "Muller", "Rossi", "Tanaka", "Patel", "Haddad",
  "Johansson", "Murphy", "Dubois", "Kim", "Novak", "Costa", "Schmidt", "Reyes", "Walsh", "Ahmed", "Larsen",
];

/** mulberry32: tiny, fast and good enough for test data; the point is determinism, not randomness. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cityName = (i: number) => (i < CITIES.length ? CITIES[i]! : `${CITIES[i % CITIES.length]} ${Math.floor(i / CITIES.length) + 1}`);
const skillName = (i: number) =>
  i < SKILL_NAMES.length ? SKILL_NAMES[i]! : `${SKILL_NAMES[i % SKILL_NAMES.length]} ${Math.floor(i / SKILL_NAMES.length) + 1}`;

export type Row = ReadonlyArray<string | number | boolean | null>;

export interface WorkloadTables {
  tenants: Row[];
  switches: Row[];
  timeZones: Row[];
  skills: Row[];
  persons: () => Iterable<Row>;
  agentLogins: () => Iterable<Row>;
  skillLevels: () => Iterable<Row>;
  sites: Row[];
}

/**
 * How a source's names differ from main's: main's are as they always were; another source's switch, skill,
 * time-zone, site and tenant names start with its name in capitals ("EU Billing", "EU Dublin"), its usernames
 * with its name ("eu.ava.smith.1"), its employee ids with its capitals ("EU-E100000").
 */
export function sourceNaming(source: string): { name: (base: string) => string; username: (base: string) => string; employeeId: (base: string) => string } {
  if (source === MAIN_SOURCE) return { name: (base) => base, username: (base) => base, employeeId: (base) => base };
  const label = source.toUpperCase();
  return { name: (base) => `${label} ${base}`, username: (base) => `${source}.${base}`, employeeId: (base) => `${label}-${base}` };
}

/**
 * The rows of a workload, in the column order of the COPY statements in load.ts, named for `source` (default
 * main). Large tables are generators so that workload L never sits in memory whole.
 */
export function generateWorkload(size: WorkloadSize, source: string = MAIN_SOURCE): WorkloadTables {
  const naming = sourceNaming(source);
  const named = naming.name;
  const tenants: Row[] = [[1, named("Acme Support")], [2, named("Acme Sales")]];
  const switches: Row[] = Array.from({ length: size.switches }, (_, i) => [i + 1, (i % 2) + 1, named(`SW-${cityName(i)}`)]);
  const timeZones: Row[] = Array.from({ length: size.timeZones }, (_, i) => {
    const [name, iana] = TIME_ZONES[i % TIME_ZONES.length]!;
    return [i + 1, 1, named(name), iana];
  });
  const skills: Row[] = Array.from({ length: size.skills }, (_, i) => [i + 1, (i % 2) + 1, named(skillName(i))]);
  if (size.duplicateSkill) {
    // In main, skill 1 ("Billing") lives in tenant 1 and the same name again under tenant 2 is the classic
    // mistake. In another source the mistake is across Configuration Databases: a skill named exactly like
    // main's "Billing", without the source's prefix.
    skills.push([size.skills + 1, 2, skillName(0)]);
  }
  const agentDbid = (i: number) => i + 1;
  const nonAgentDbid = (i: number) => size.agents + i + 1;

  function* persons(): Iterable<Row> {
    for (let i = 0; i < size.agents; i++) {
      const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
      const last = LAST_NAMES[(i * 7 + Math.floor(i / FIRST_NAMES.length)) % LAST_NAMES.length]!;
      const username = naming.username(`${first}.${last}.${i + 1}`.toLowerCase());
      yield [agentDbid(i), (i % 2) + 1, username, first, last, `${username}@example.com`, naming.employeeId(`E${String(100000 + i)}`), true];
    }
    for (let i = 0; i < size.nonAgents; i++) {
      const first = FIRST_NAMES[(i * 3) % FIRST_NAMES.length]!;
      const last = LAST_NAMES[(i * 5) % LAST_NAMES.length]!;
      const username = naming.username(`sup.${first}.${last}.${i + 1}`.toLowerCase());
      yield [nonAgentDbid(i), (i % 2) + 1, username, first, last, `${username}@example.com`, naming.employeeId(`S${String(10000 + i)}`), false];
    }
  }

  // 2% of agents have no login (unassigned), 1% have logins on two switches (also unassigned), the rest one.
  function* agentLogins(): Iterable<Row> {
    let dbid = 0;
    for (let i = 0; i < size.agents; i++) {
      if (i % 50 === 7) continue;
      const home = i % size.switches;
      yield [++dbid, home + 1, String(10000 + i), agentDbid(i)];
      if (i % 100 === 13) yield [++dbid, ((home + 1) % size.switches) + 1, String(10000 + i), agentDbid(i)];
    }
    // Spare logins nobody holds yet, as a switch has.
    for (let s = 0; s < size.switches; s++) yield [++dbid, s + 1, `spare-${s + 1}`, null];
  }

  function* skillLevels(): Iterable<Row> {
    const random = prng(size.seed);
    const perAgent = Math.min(size.skillsPerAgent, size.skills);
    for (let i = 0; i < size.agents; i++) {
      const start = Math.floor(random() * size.skills);
      for (let j = 0; j < perAgent; j++) {
        yield [agentDbid(i), ((start + j) % size.skills) + 1, 1 + Math.floor(random() * 10)];
      }
    }
    if (size.duplicateSkill && size.agents > 0) yield [agentDbid(1), size.skills + 1, 4];
  }

  // A site names its time zone by the WFM name the source's time zone will be imported under.
  const sites: Row[] = [];
  for (let s = 0; s < size.switches; s++) {
    sites.push([named(cityName(s)), named(siteZone(s, size.timeZones)), s + 1]);
  }
  for (let e = 0; e < size.extraSites; e++) {
    sites.push([named(`${cityName(size.switches + e)} Remote`), named(siteZone(size.switches + e, size.timeZones)), null]);
  }

  return { tenants, switches, timeZones, skills, persons, agentLogins, skillLevels, sites };
}
