/**
 * Builds cfg and WFM rows for hand-written sync tests, writing through SQL as any cfg writer would.
 */
import type { Sql } from "../db/client";
import { MAIN_SOURCE, schemaOf } from "../config/source-names";

let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}`;

export class Builder {
  /** Writes the cfg rows of `source` (its schema must exist: see createSource), and WFM rows keyed by it. */
  constructor(
    readonly sql: Sql,
    readonly source: string = MAIN_SOURCE,
  ) {}

  /** A cfg table of this builder's source, as an identifier. */
  private cfg(table: string) {
    return this.sql(`${schemaOf(this.source)}.${table}`);
  }

  async tenant(name = unique("Tenant ")): Promise<number> {
    const [row] = await this.sql`insert into ${this.cfg("tenants")} (name) values (${name}) returning dbid`;
    return row!.dbid as number;
  }

  async switch(tenant: number, name = unique("SW-")): Promise<number> {
    const [row] = await this.sql`insert into ${this.cfg("switches")} (tenant_dbid, name) values (${tenant}, ${name}) returning dbid`;
    return row!.dbid as number;
  }

  async timeZone(tenant: number, name = unique("TZ "), iana = "Europe/Paris"): Promise<number> {
    const [row] = await this.sql`insert into ${this.cfg("time_zones")} (tenant_dbid, name, iana_name) values (${tenant}, ${name}, ${iana}) returning dbid`;
    return row!.dbid as number;
  }

  async skill(tenant: number, name = unique("Skill ")): Promise<number> {
    const [row] = await this.sql`insert into ${this.cfg("skills")} (tenant_dbid, name) values (${tenant}, ${name}) returning dbid`;
    return row!.dbid as number;
  }

  async person(
    tenant: number,
    options: {
      username?: string;
      firstName?: string;
      lastName?: string;
      email?: string | null;
      isAgent?: boolean;
      logins?: number[];
      skills?: Record<number, number>;
    } = {},
  ): Promise<number> {
    const username = options.username ?? unique("agent");
    const [row] = await this.sql`
      insert into ${this.cfg("persons")} (tenant_dbid, username, first_name, last_name, email, employee_id, is_agent)
      values (${tenant}, ${username}, ${options.firstName ?? "Pat"}, ${options.lastName ?? "Agent"},
              ${options.email === undefined ? `${username}@example.com` : options.email}, ${"E-" + username}, ${options.isAgent ?? true})
      returning dbid`;
    const dbid = row!.dbid as number;
    for (const switchDbid of options.logins ?? []) {
      await this.sql`insert into ${this.cfg("agent_logins")} (switch_dbid, code, person_dbid) values (${switchDbid}, ${unique("L")}, ${dbid})`;
    }
    for (const [skill, level] of Object.entries(options.skills ?? {})) {
      await this.sql`insert into ${this.cfg("skill_levels")} (person_dbid, skill_dbid, level) values (${dbid}, ${Number(skill)}, ${level})`;
    }
    return dbid;
  }

  /** A person with its logins and levels in one transaction, as a cfg tool creates a whole agent. */
  async wholePerson(tenant: number, options: Parameters<Builder["person"]>[1] = {}): Promise<number> {
    return this.sql.begin((tx) => new Builder(tx as unknown as Sql, this.source).person(tenant, options)) as Promise<number>;
  }

  async server(name: string, level: number): Promise<string> {
    await this.sql`insert into wfm.servers (name, sync_level, source) values (${name}, ${level}, ${this.source})
                   on conflict (name) do update set sync_level = excluded.sync_level, source = excluded.source`;
    return name;
  }

  async site(options: { switchDbid?: number | null; server?: string | null; name?: string; timeZone?: string } = {}): Promise<number> {
    const [row] = await this.sql`
      insert into wfm.sites (name, time_zone, switch_source, switch_dbid, server)
      values (${options.name ?? unique("Site ")}, ${options.timeZone ?? "Eastern"}, ${options.switchDbid == null ? null : this.source},
              ${options.switchDbid ?? null}, ${options.server ?? null})
      returning id`;
    return row!.id as number;
  }

  async agent(cfgDbid: number) {
    const [row] = await this.sql<
      { id: number; username: string; firstName: string; lastName: string; email: string | null; siteId: number | null; terminationDate: string | null; terminationSource: string | null; awaitingFullSync: boolean }[]
    >`select id, username, first_name as "firstName", last_name as "lastName", email, site_id as "siteId",
             termination_date::text as "terminationDate", termination_source as "terminationSource",
             awaiting_full_sync as "awaitingFullSync"
        from wfm.agents where source = ${this.source} and cfg_dbid = ${cfgDbid}`;
    return row;
  }

  async agentSkills(cfgDbid: number): Promise<Record<string, number>> {
    const rows = await this.sql<{ name: string; level: number }[]>`
      select k.name, s.level from wfm.agent_skills s join wfm.agents a on a.id = s.agent_id
        join wfm.skills k on k.id = s.skill_id where a.source = ${this.source} and a.cfg_dbid = ${cfgDbid} order by k.name`;
    return Object.fromEntries(rows.map((r) => [r.name, r.level]));
  }

  async events(runId: number) {
    return this.sql<{ objectType: string; objectKey: string; action: string; message: string }[]>`
      select object_type as "objectType", object_key as "objectKey", action, message
        from wfm.sync_events where run_id = ${runId} order by id`;
  }

  async names(table: "wfm.skills" | "wfm.time_zones"): Promise<string[]> {
    const rows = await this.sql.unsafe<{ name: string }[]>(`select name from ${table} order by name`);
    return rows.map((r) => r.name);
  }

  today = async () => ((await this.sql`select current_date::text as d`)[0]!.d as string);
}
