import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { StartupError } from "../errors";
import { connect } from "./client";
import { bundledBinaries, postgresUser, reachableBinaries, startEmbeddedPostgres } from "./embedded";
import { freePort } from "./ports";
import { openDatabase } from "./index";

const dirs: string[] = [];
async function tempDir() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "wfm-embedded-"));
  await fs.chmod(dir, 0o755);
  dirs.push(dir);
  return dir;
}
/** A directory only root may enter, like a `mktemp -d` checkout or one under /root. */
async function privateDir() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "wfm-private-"));
  dirs.push(dir);
  expect((await fs.stat(dir)).mode & 0o777).toBe(0o700);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

describe("the embedded database", () => {
  it("restarts on an existing data directory with its data intact, without initialising again", async () => {
    const dataDir = path.join(await tempDir(), "pg");
    const first = await openDatabase({ databaseUrl: null, dataDir, durable: false });
    await first.sql`insert into cfg.tenants (name) values ('Persistent')`;
    const initialised = (await fs.stat(path.join(dataDir, "PG_VERSION"))).mtimeMs;
    await first.shutdown();

    const second = await openDatabase({ databaseUrl: null, dataDir, durable: false });
    try {
      const rows = await second.sql`select name from cfg.tenants`;
      expect(rows.map((r) => r.name)).toEqual(["Persistent"]);
      expect((await fs.stat(path.join(dataDir, "PG_VERSION"))).mtimeMs).toBe(initialised);
      expect(second.embedded?.reused).toBe(false);
    } finally {
      await second.shutdown();
    }
  });

  it("adopts a cluster still running on its directory instead of failing", async () => {
    const dataDir = path.join(await tempDir(), "pg");
    const owner = await startEmbeddedPostgres({ dataDir, durable: false });
    try {
      const adopted = await startEmbeddedPostgres({ dataDir, durable: false });
      expect(adopted.reused).toBe(true);
      expect(adopted.port).toBe(owner.port);
      await adopted.stop(); // does not stop the owner's cluster
      const check = await connect(owner.url, { max: 1 });
      await check.close();
    } finally {
      await owner.stop();
    }
  });

  it("refuses a directory that holds something other than a cluster, saying so", async () => {
    const dataDir = path.join(await tempDir(), "pg");
    await fs.mkdir(dataDir);
    await fs.writeFile(path.join(dataDir, "notes.txt"), "not a database");
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/holds no PostgreSQL cluster/);
  });

  it.runIf(process.getuid?.() === 0)("refuses a data directory owned by someone else, naming the owner", async () => {
    const dataDir = path.join(await tempDir(), "pg");
    const first = await startEmbeddedPostgres({ dataDir, durable: false });
    await first.stop();
    execFileSync("chown", ["-R", "nobody", dataDir]);
    const error = await startEmbeddedPostgres({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(/is owned by uid \d+.*chown/);
  });

  it("explains a DATABASE_URL that cannot be reached in one line", async () => {
    const port = await freePort();
    await expect(connect(`postgres://wfm:wfm@127.0.0.1:${port}/wfm`)).rejects.toThrow(
      `Cannot use the database at 127.0.0.1:${port}/wfm (DATABASE_URL): connection refused — is PostgreSQL running there?`,
    );
    await expect(connect("mysql://localhost/wfm")).rejects.toThrow(/must start with postgres:\/\//);
    await expect(connect("not a url")).rejects.toThrow(/not a valid URL/);
  });
});

describe.runIf(process.getuid?.() === 0)(
  "started by root, PostgreSQL runs as the 'postgres' user (root only: anyone else runs it as themselves)",
  () => {
    it("names the directory that user cannot enter to reach the data, and the fix, in one line", async () => {
      const checkout = await privateDir();
      const dataDir = path.join(checkout, ".data", "pg");
      const error = await startEmbeddedPostgres({ dataDir, durable: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StartupError);
      const message = (error as Error).message;
      expect(message).toContain(`cannot enter ${checkout} (mode 700`);
      expect(message).toContain(`its data directory ${dataDir}`);
      expect(message).toContain("WFM_DATA_DIR=/var/lib/wfm-sync/data");
      expect(message).not.toContain("\n");
      expect(existsSync(dataDir)).toBe(false); // nothing done: no half-made cluster to trip over next time
    });

    it("runs binaries that user cannot reach from one shared copy, made once, reused, redone when unfinished", async () => {
      // The package as npm installed it in a private checkout: the 'postgres' user cannot even exec initdb.
      const bundled = bundledBinaries();
      const source = { dir: path.join(await privateDir(), "native"), version: bundled.version };
      execFileSync("cp", ["-al", bundled.dir, source.dir]); // hard links: fast, and nothing writes to the source
      const sharedRoot = path.join(await tempDir(), "shared");
      const options = { dataDir: path.join(await tempDir(), "pg"), durable: false, binaries: source, sharedRoots: [sharedRoot] };
      const copy = path.join(sharedRoot, `postgres-${bundled.version}-${process.platform}-${process.arch}`);

      const first = await startEmbeddedPostgres(options);
      try {
        expect(first.sharedBinaries).toEqual({ dir: copy, created: true });
        const check = await connect(first.url, { max: 1 });
        await check.close();
      } finally {
        await first.stop();
      }
      expect((await fs.stat(sharedRoot)).mode & 0o777).toBe(0o755);
      expect((await fs.stat(copy)).mode & 0o777).toBe(0o755);

      const reused = await reachableBinaries(source, postgresUser(), [sharedRoot]);
      expect(reused.shared).toEqual({ dir: copy, created: false });

      // A copy without its marker is an unfinished one: made again, from scratch. A root another user
      // owns (anyone may make /tmp/wfm-sync first) is passed over.
      await fs.rm(path.join(copy, ".wfm-sync-complete"));
      await fs.rm(path.join(copy, "bin", "initdb"));
      const foreign = path.join(await tempDir(), "foreign");
      await fs.mkdir(foreign);
      execFileSync("chown", ["nobody", foreign]);
      const redone = await reachableBinaries(source, postgresUser(), [foreign, sharedRoot]);
      expect(redone.shared).toEqual({ dir: copy, created: true });
      expect(existsSync(path.join(copy, "bin", "initdb"))).toBe(true);
      expect(await fs.readdir(foreign)).toEqual([]);
      expect((await fs.readdir(sharedRoot)).filter((name) => name.includes(".partial-"))).toEqual([]);

      // Nowhere to put a copy: one line that says what to do.
      const nowhere = await reachableBinaries(source, postgresUser(), [foreign]).catch((e: unknown) => e);
      expect(nowhere).toBeInstanceOf(StartupError);
      expect((nowhere as Error).message).toMatch(/cannot run the binaries in .*belongs to uid \d+, not root.*: move the checkout/);
      expect((nowhere as Error).message).not.toContain("\n");
    });
  },
);
