/**
 * npm run demo (scripts/demo.ts) as a person runs it: `--source` fills another configuration source, creating it
 * the first time, and a name that cannot be a source is one line on stderr, before any database is touched.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../testing/database";

const root = path.resolve(import.meta.dirname, "../..");

async function demo(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/demo.ts", ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("npm run demo -- --source", () => {
  it("says in one line that a name which cannot be a source's is not one", async () => {
    // No DATABASE_URL that works: the name is refused before the script reaches for a database.
    const run = await demo(["--source", "EU-1"], { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "wfm-sync: --source is a source name: a lower-case letter, then up to 30 lower-case letters, digits or underscores, not 'EU-1'.\n",
    );
  });

  it("creates a source that does not exist yet and fills it; a second run refuses without --reset", async () => {
    const database = await freshDatabase();
    const first = await demo(["--source", "eu", "--agents", "30"], { DATABASE_URL: database.url });
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(/^Created the local configuration source eu\.\nLoaded 40 persons, 240 skill levels and 3 sites into source eu in \d+\.\d s\.\n$/);
    const [row] = await database.sql`
      select (select kind from wfm.config_sources where name = 'eu') as kind, (select count(*) from cfg_eu.persons)::int as persons,
             (select count(*) from cfg.persons)::int as "mainPersons"`;
    expect(row).toEqual({ kind: "local", persons: 40, mainPersons: 0 });

    const again = await demo(["--source", "eu", "--agents", "30"], { DATABASE_URL: database.url });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("wfm-sync: The source eu already holds data; pass --reset to replace it.\n");
  });
});
