import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { StartupError } from "../errors";
import { connect } from "./client";
import { startEmbeddedPostgres } from "./embedded";
import { freePort } from "./ports";
import { openDatabase } from "./index";

const dirs: string[] = [];
async function tempDir() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "wfm-embedded-"));
  await fs.chmod(dir, 0o755);
  dirs.push(dir);
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
