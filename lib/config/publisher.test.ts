/**
 * The Configuration Database side of a replicated source (issue 14), against real clusters: `cfg-source init`
 * (installPublisher and the script), the checks the WFM side makes before subscribing (probePublisher), password
 * redaction, and the demo writing into an external Configuration Database. The run's publisher cluster has
 * wal_level = logical; the wal_level check gets a cluster of its own with replica.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createClient, type Database } from "../db/client";
import { databaseIn, freshPublisherDatabase, startPublisherCluster, type PublisherCluster } from "../testing/publisher";
import { installPublisher, probePublisher, PUBLISHED_TABLES, PublisherError, redactConnection } from "./publisher";

const root = path.resolve(import.meta.dirname, "../..");
const PASSWORD = "Zq81-never-shown";

// Roles are the cluster's, not a database's: dropped when the file ends, after their grants in whichever of the
// file's databases still exists (a database's own cleanup may or may not have dropped it by then).
const roles: string[] = [];
afterAll(async () => {
  const adminUrl = inject("publisherUrl");
  const admin = createClient(adminUrl, { max: 1 });
  try {
    const holders = await admin.sql<{ database: string; role: string }[]>`
      select distinct d.datname as database, r.rolname as role
        from pg_shdepend s join pg_database d on d.oid = s.dbid join pg_roles r on r.oid = s.refobjid
       where r.rolname = any (${roles}::text[])`;
    for (const { database, role } of holders) {
      const there = createClient(databaseIn(adminUrl, database), { max: 1 });
      await there.sql.unsafe(`drop owned by ${role}`).finally(() => there.close());
    }
    for (const role of roles) await admin.sql.unsafe(`drop role if exists ${role}`);
  } finally {
    await admin.close();
  }
});

/** A login role of the cluster with a password, and its attributes (e.g. "replication"). */
async function createRole(database: Database, attributes = ""): Promise<string> {
  const role = `r_${randomBytes(5).toString("hex")}`;
  roles.push(role);
  await database.sql.unsafe(`create role ${role} login password '${PASSWORD}' ${attributes}`);
  return role;
}

/** The database's URL, connecting as `role` (with its password) instead of the superuser. */
function as(url: string, role: string, password = PASSWORD): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = password;
  return parsed.toString();
}

const targetOf = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port}${parsed.pathname}`;
};

/** What a refusal said, or a failure of the test when nothing was refused. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PublisherError);
  const message = (error as Error).message;
  expect(message).not.toContain("\n");
  expect(message).not.toContain(PASSWORD);
  return message;
}

const publishedTables = async (database: Database, publication: string) =>
  (
    await database.sql<{ name: string }[]>`
      select schemaname || '.' || tablename as name from pg_publication_tables where pubname = ${publication} order by 1`
  ).map((row) => row.name);

const schemaExists = async (database: Database, schema: string) =>
  Boolean((await database.sql`select 1 from pg_namespace where nspname = ${schema}`).length);

async function script(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", file, ...args], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const SEVEN = (schema: string) => PUBLISHED_TABLES.map((t) => `${schema}.${t}`).sort();

describe("redactConnection", () => {
  it("hides the password of a URL, in its user information or its parameters, and nothing else", () => {
    expect(redactConnection("postgres://wfm:s3cr%40t@db.example:5432/configdb?sslmode=require")).toBe(
      "postgres://wfm:***@db.example:5432/configdb?sslmode=require",
    );
    expect(redactConnection("postgresql://wfm@db/configdb?password=hunter2&sslmode=require")).toBe(
      "postgresql://wfm@db/configdb?password=***&sslmode=require",
    );
    // An unencoded @ in the password: everything up to the last @ is taken for it.
    expect(redactConnection("postgres://wfm:p@ss@db/configdb")).toBe("postgres://wfm:***@db/configdb");
    expect(redactConnection("postgres://wfm@db:5432/configdb")).toBe("postgres://wfm@db:5432/configdb");
  });

  it("hides the password of libpq's keyword form, quoted or not", () => {
    expect(redactConnection("host=db port=5432 dbname=configdb user=wfm password=hunter2 sslmode=require")).toBe(
      "host=db port=5432 dbname=configdb user=wfm password=*** sslmode=require",
    );
    expect(redactConnection("host=db password = 'it\\'s a secret' dbname=configdb")).toBe("host=db password = *** dbname=configdb");
    expect(redactConnection("host=db dbname=configdb")).toBe("host=db dbname=configdb");
  });
});

describe("installPublisher (cfg-source init)", () => {
  let database: Database & { url: string };
  beforeAll(async () => {
    database = await freshPublisherDatabase();
  });

  it("installs the schema with its own feed and a publication of exactly the seven data tables", async () => {
    const report = await installPublisher(database.url, "eu");
    expect(report).toMatchObject({
      source: "eu",
      schema: "cfg_eu",
      publication: "wfm_eu",
      tables: PUBLISHED_TABLES.map((t) => `cfg_eu.${t}`),
      grantedTo: null,
      target: targetOf(database.url),
    });
    expect(report.serverVersion).toMatch(/^\d+/);
    expect(await schemaExists(database, "cfg_eu")).toBe(true);
    expect(await publishedTables(database, "wfm_eu")).toEqual(SEVEN("cfg_eu"));
    // Writes there are recorded in the schema's own feed, as in a local source.
    await database.sql`insert into cfg_eu.tenants (name) values ('Acme')`;
    const feed = await database.sql`select seq, object_type, op from cfg_eu.changes`;
    expect(feed).toEqual([{ seq: 1, object_type: "tenant", op: "created" }]);
  });

  it("refuses a second install in one line and changes nothing", async () => {
    const before = await database.sql`
      select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'cfg_eu')::int as relations,
             (select array_agg(name order by dbid) from cfg_eu.tenants) as tenants, (select seq from cfg_eu.change_counter) as seq`;
    const message = await refusal(installPublisher(database.url, "eu"));
    expect(message).toBe(
      `The schema cfg_eu and the publication wfm_eu exist already in the Configuration Database at ${targetOf(database.url)}, so nothing was done (init never drops or changes data): the source eu is installed there; register it in WFM.`,
    );
    const after = await database.sql`
      select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'cfg_eu')::int as relations,
             (select array_agg(name order by dbid) from cfg_eu.tenants) as tenants, (select seq from cfg_eu.change_counter) as seq`;
    expect(after).toEqual(before);
    expect(before[0]).toMatchObject({ tenants: ["Acme"], seq: 1 });
    expect(await publishedTables(database, "wfm_eu")).toEqual(SEVEN("cfg_eu"));
  });

  it("refuses a publication of that name already there, without making the schema", async () => {
    await database.sql`create table public.other (id int primary key)`;
    await database.sql`create publication wfm_us for table public.other`;
    const message = await refusal(installPublisher(database.url, "us"));
    expect(message).toBe(
      `The publication wfm_us exists already in the Configuration Database at ${targetOf(database.url)}, without the schema cfg_us, so nothing was done (init never changes it): choose another --name, or drop that publication yourself (DROP PUBLICATION wfm_us) if nothing uses it.`,
    );
    expect(await schemaExists(database, "cfg_us")).toBe(false);
    expect(await publishedTables(database, "wfm_us")).toEqual(["public.other"]);
  });

  it("refuses main and names that are not a source's", async () => {
    expect(await refusal(installPublisher(database.url, "main"))).toBe(
      "The source main is the WFM database's own cfg schema and cannot be replicated: choose another --name (for example eu).",
    );
    expect(await refusal(installPublisher(database.url, "EU-1"))).toBe(
      "--name is a source name: a lower-case letter, then up to 30 lower-case letters, digits or underscores, not 'EU-1'.",
    );
  });

  it("says which server it cannot reach and why, never with the password", async () => {
    expect(await refusal(installPublisher(`postgres://wfm:${PASSWORD}@127.0.0.1:1/configdb`, "eu"))).toBe(
      "Cannot reach the Configuration Database at 127.0.0.1:1/configdb: connection refused — is PostgreSQL running there, on that port?",
    );
    const role = await createRole(database);
    expect(await refusal(installPublisher(as(database.url, role, `${PASSWORD}-wrong`), "eu"))).toBe(
      `Cannot reach the Configuration Database at ${targetOf(database.url)}: the user name or password is wrong.`,
    );
  });

  it("refuses a user who may not create in the database, naming the GRANT that is all it needs", async () => {
    const role = await createRole(database);
    const name = new URL(database.url).pathname.slice(1);
    expect(await refusal(installPublisher(as(database.url, role), "de"))).toBe(
      `The user ${role} may not create schemas or publications in the database ${name} at ${targetOf(database.url)}: run GRANT CREATE ON DATABASE "${name}" TO "${role}" there as its owner or a superuser, or run init as a user who may.`,
    );
    expect(await schemaExists(database, "cfg_de")).toBe(false);
    // The least a DBA has to give: CREATE on the database, no superuser.
    await database.sql.unsafe(`grant create on database "${name}" to ${role}`);
    await installPublisher(as(database.url, role), "de");
    expect(await publishedTables(database, "wfm_de")).toEqual(SEVEN("cfg_de"));
  });

  it("--grant-to refuses a role that is missing or may not replicate, and changes nothing", async () => {
    expect(await refusal(installPublisher(database.url, "fr", { grantTo: "no_such_role_x" }))).toBe(
      `There is no role no_such_role_x in the Configuration Database at ${targetOf(database.url)}: create it first (CREATE ROLE "no_such_role_x" LOGIN REPLICATION PASSWORD '…'), then run init again.`,
    );
    const role = await createRole(database);
    expect(await refusal(installPublisher(database.url, "fr", { grantTo: role }))).toBe(
      `The role ${role} may not replicate, and WFM's subscription connects as it: run ALTER ROLE "${role}" REPLICATION in the Configuration Database at ${targetOf(database.url)} as a superuser, then run init again.`,
    );
    expect(await schemaExists(database, "cfg_fr")).toBe(false);
    expect(await publishedTables(database, "wfm_fr")).toEqual([]);
  });

  it("--grant-to a role with REPLICATION lets it read the published tables only, and WFM's probe as it passes", async () => {
    const role = await createRole(database, "replication");
    const report = await installPublisher(database.url, "fr", { grantTo: role });
    expect(report.grantedTo).toBe(role);
    const rights = await database.sql<{ name: string; select: boolean }[]>`
      select c.relname as name, has_table_privilege(${role}, c.oid, 'SELECT') as select
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'cfg_fr' and c.relkind = 'r' order by 1`;
    expect(Object.fromEntries(rights.map((r) => [r.name, r.select]))).toEqual({
      ...Object.fromEntries(PUBLISHED_TABLES.map((t) => [t, true])),
      changes: false,
      change_counter: false,
    });
    const [usage] = await database.sql`select has_schema_privilege(${role}, 'cfg_fr', 'USAGE') as usage, has_schema_privilege(${role}, 'cfg_fr', 'CREATE') as create`;
    expect(usage).toEqual({ usage: true, create: false });
    const probed = await probePublisher(as(database.url, role), "fr");
    expect(probed.serverVersion).toBe(report.serverVersion);
  });
});

describe("a Configuration Database without logical WAL", () => {
  let cluster: PublisherCluster;
  beforeAll(async () => {
    cluster = await startPublisherCluster({ walLevel: "replica" });
  });
  afterAll(async () => {
    await cluster?.remove();
  });

  it("is refused by init and by WFM's probe in one line naming the setting and the restart", async () => {
    const expected = `The Configuration Database at ${targetOf(cluster.url)} has wal_level = replica, and publishing needs logical: run ALTER SYSTEM SET wal_level = logical there as a superuser, then restart PostgreSQL.`;
    expect(await refusal(installPublisher(cluster.url, "eu"))).toBe(expected);
    expect(await refusal(probePublisher(cluster.url, "eu"))).toBe(expected);
    const database = createClient(cluster.url, { max: 1 });
    try {
      expect(await schemaExists(database, "cfg_eu")).toBe(false);
    } finally {
      await database.close();
    }
  });
});

describe("probePublisher (what WFM checks before subscribing)", () => {
  let database: Database & { url: string };
  beforeAll(async () => {
    database = await freshPublisherDatabase();
    await installPublisher(database.url, "eu");
  });

  it("passes for an installed source", async () => {
    const [row] = await database.sql`select current_setting('server_version') as version`;
    expect(await probePublisher(database.url, "eu")).toEqual({ serverVersion: row!.version });
  });

  it("names a missing publication and the init to run", async () => {
    expect(await refusal(probePublisher(database.url, "us"))).toBe(
      `The Configuration Database at ${targetOf(database.url)} has no publication wfm_us: run npm run cfg-source -- init --url … --name us there first.`,
    );
  });

  it("names the tables a publication lacks or has too many", async () => {
    await installPublisher(database.url, "wt");
    await database.sql`alter publication wfm_wt drop table cfg_wt.skill_levels`;
    await database.sql`alter publication wfm_wt add table cfg_wt.changes`;
    expect(await refusal(probePublisher(database.url, "wt"))).toBe(
      `The publication wfm_wt at ${targetOf(database.url)} lacks cfg_wt.skill_levels and also publishes cfg_wt.changes, and must publish exactly the tables tenants, switches, time_zones, skills, persons, agent_logins, skill_levels of cfg_wt: run ALTER PUBLICATION wfm_wt SET TABLE ${PUBLISHED_TABLES.map((t) => `cfg_wt.${t}`).join(", ")} there.`,
    );
  });

  it("refuses a user who may not replicate, and one who may not read the tables", async () => {
    const reader = await createRole(database);
    await database.sql.unsafe(`grant usage on schema cfg_eu to ${reader}; grant select on all tables in schema cfg_eu to ${reader}`);
    expect(await refusal(probePublisher(as(database.url, reader), "eu"))).toBe(
      `The user ${reader} may not replicate from the Configuration Database at ${targetOf(database.url)}: run ALTER ROLE "${reader}" REPLICATION there as a superuser, or connect as a user who may.`,
    );
    const replicator = await createRole(database, "replication");
    const tables = PUBLISHED_TABLES.map((t) => `cfg_eu.${t}`).join(", ");
    expect(await refusal(probePublisher(as(database.url, replicator), "eu"))).toBe(
      `The user ${replicator} may not read ${tables} in the Configuration Database at ${targetOf(database.url)}: run GRANT USAGE ON SCHEMA cfg_eu TO "${replicator}"; GRANT SELECT ON ${tables} TO "${replicator}"; there.`,
    );
  });

  it("takes libpq's keyword form too", async () => {
    const url = new URL(database.url);
    const keywords = `host=${url.hostname} port=${url.port} dbname=${url.pathname.slice(1)} user=${decodeURIComponent(url.username)} password='${decodeURIComponent(url.password)}'`;
    expect((await probePublisher(keywords, "eu")).serverVersion).toMatch(/^\d+/);
  });
});

describe("npm run cfg-source -- init, and npm run demo -- --url", () => {
  let database: Database & { url: string };
  beforeAll(async () => {
    database = await freshPublisherDatabase();
  });

  it("prints what it installed and the next step; a failed check is one line and exit code 1", async () => {
    const role = await createRole(database, "replication");
    const first = await script("scripts/cfg-source.ts", ["init", "--url", database.url, "--name", "eu", "--grant-to", role]);
    const target = targetOf(database.url);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const lines = first.stdout.split("\n");
    expect(lines[0]).toMatch(new RegExp(`^Installed the configuration source eu in the Configuration Database at ${target} \\(PostgreSQL \\d+[^)]*\\):$`));
    expect(lines.slice(1)).toEqual([
      "  schema cfg_eu: the tables and change feed of a source",
      `  publication wfm_eu: ${PUBLISHED_TABLES.map((t) => `cfg_eu.${t}`).join(", ")}`,
      `  role ${role}: may read the schema and those tables, and replicate`,
      `Next: register the source in WFM on the console's Sources page, or POST /api/v1/sources {"name":"eu","kind":"replicated","connection":"postgres://${role}:PASSWORD@${target}"}`,
      "",
    ]);
    expect(await publishedTables(database, "wfm_eu")).toEqual(SEVEN("cfg_eu"));

    const again = await script("scripts/cfg-source.ts", ["init", "--url", as(database.url, role), "--name", "eu"]);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe("");
    expect(again.stderr).toBe(
      `wfm-sync: The user ${role} may not create schemas or publications in the database ${new URL(database.url).pathname.slice(1)} at ${target}: run GRANT CREATE ON DATABASE "${new URL(database.url).pathname.slice(1)}" TO "${role}" there as its owner or a superuser, or run init as a user who may.\n`,
    );
  });

  it("the demo fills the source's schema in the external database, and says to init first where there is none", async () => {
    // No WFM database is used: DATABASE_URL points nowhere.
    const env = { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" };
    const missing = await script("scripts/demo.ts", ["--url", database.url, "--source", "us", "--agents", "30"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("wfm-sync: This Configuration Database has no schema cfg_us: run npm run cfg-source -- init --url … --name us there first.\n");

    await installPublisher(database.url, "us");
    const loaded = await script("scripts/demo.ts", ["--url", database.url, "--source", "us", "--agents", "30"], env);
    expect(loaded.stderr).toBe("");
    expect(loaded.stdout).toMatch(
      new RegExp(`^Loaded 40 persons and 240 skill levels into cfg_us of the Configuration Database at ${targetOf(database.url)} in \\d+\\.\\d s\\.\\n$`),
    );
    const count = async () =>
      (
        await database.sql`
          select (select count(*) from cfg_us.persons)::int as persons, (select count(*) from cfg_us.skill_levels)::int as levels,
                 (select count(*) from cfg_us.changes where object_type = 'person' and op = 'deleted')::int as "deletedPersons"`
      )[0];
    expect(await count()).toEqual({ persons: 40, levels: 240, deletedPersons: 0 });

    // --reset deletes rather than truncates: the deletes are in the feed (and so are published to WFM).
    const reset = await script("scripts/demo.ts", ["--url", database.url, "--source", "us", "--agents", "30", "--reset"], env);
    expect(reset.stderr).toBe("");
    expect(await count()).toEqual({ persons: 40, levels: 240, deletedPersons: 40 });
  });
});
