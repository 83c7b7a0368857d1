import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshDatabase, databaseUrl } from "../testing/database";
import { createClient } from "./client";
import { applyMigrations, migrationsFolder } from "./migrate";
import { inject } from "vitest";

const expectedTables = {
  cfg: ["agent_logins", "change_counter", "changes", "persons", "skill_levels", "skills", "switches", "tenants", "time_zones"],
  wfm: [
    "agent_level_digests", "agent_skills", "agents", "api_tokens", "audit_events", "cache_versions", "config_sources", "server_instances", "servers", "sessions", "sign_in_failures", "sites", "skills", "sync_cursors",
    "sync_events", "sync_requests", "sync_runs", "time_zones", "users",
  ],
};

describe("migrations", () => {
  it("build both schemas, every table and the change-feed triggers on an empty database", async () => {
    const name = `empty_${Date.now()}`;
    const admin = createClient(inject("clusterUrl"), { max: 1 });
    await admin.sql.unsafe(`create database ${name}`);
    const database = createClient(databaseUrl(name), { max: 2 });
    try {
      await applyMigrations(database);
      const tables = await database.sql<{ schema: string; table: string }[]>`
        select table_schema as schema, table_name as table from information_schema.tables
         where table_schema in ('cfg', 'wfm') and table_type = 'BASE TABLE' order by 1, 2`;
      expect(tables.filter((t) => t.schema === "cfg").map((t) => t.table)).toEqual(expectedTables.cfg);
      expect(tables.filter((t) => t.schema === "wfm").map((t) => t.table)).toEqual(expectedTables.wfm);
      const triggers = await database.sql`select count(*)::int as n from pg_trigger where tgname like '%\\_feed\\_%'`;
      expect(triggers[0]!.n).toBe(7 * 4);

      // A second start applies nothing and changes nothing.
      const before = await database.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      await applyMigrations(database);
      await applyMigrations(database);
      const after = await database.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      expect(after[0]!.n).toBe(before[0]!.n);
      expect(before[0]!.n).toBe(fs.readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql")).length);
    } finally {
      await database.close();
      await admin.sql.unsafe(`drop database ${name} with (force)`);
      await admin.close();
    }
  });

  it("can be applied by several starters at once without error", async () => {
    const name = `race_${Date.now()}`;
    const admin = createClient(inject("clusterUrl"), { max: 1 });
    await admin.sql.unsafe(`create database ${name}`);
    const starters = [1, 2, 3].map(() => createClient(databaseUrl(name), { max: 2 }));
    try {
      await Promise.all(starters.map((s) => applyMigrations(s)));
      const [row] = await starters[0]!.sql`select count(*)::int as n from cfg.change_counter`;
      expect(row!.n).toBe(1);
    } finally {
      await Promise.all(starters.map((s) => s.close()));
      await admin.sql.unsafe(`drop database ${name} with (force)`);
      await admin.close();
    }
  });

  it("agree with the drizzle schema: generating from db/schema.ts produces no new migration", () => {
    // drizzle-kit wants a relative --out and exits 0 even on errors, so check both its files and its words.
    fs.mkdirSync(".test-data", { recursive: true });
    const out = path.relative(process.cwd(), fs.mkdtempSync(path.join(".test-data", "migrations-check-")));
    fs.cpSync(migrationsFolder, out, { recursive: true });
    const before = fs.readdirSync(out).filter((f) => f.endsWith(".sql")).length;
    let output: string;
    let after: string[] = [];
    try {
      output = execFileSync(
        process.execPath,
        [path.resolve("node_modules/drizzle-kit/bin.cjs"), "generate", "--dialect=postgresql", "--schema=db/schema.ts", `--out=${out}`],
        { encoding: "utf8", stdio: "pipe" },
      );
    } finally {
      after = fs.readdirSync(out).filter((f) => f.endsWith(".sql"));
      fs.rmSync(out, { recursive: true, force: true });
    }
    expect(after.length, `db/schema.ts has changes without a migration: run 'npm run db:generate' (${after.join(", ")})`).toBe(before);
    expect(output).toContain("No schema changes");
  });

  it("gives each test file a migrated database of its own", async () => {
    const database = await freshDatabase();
    const [row] = await database.sql`select seq from cfg.change_counter`;
    expect(row!.seq).toBe(0);
  });
});
