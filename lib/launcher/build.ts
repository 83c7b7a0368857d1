/**
 * `npm start` serves a production build. It builds only when the sources changed since the last build, so a
 * second start is quick and an edited checkout never serves stale pages.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { StartupError } from "../errors";

const SOURCES = ["app", "lib", "db", "proxy.ts", "next.config.ts", "package-lock.json", "tsconfig.json"];

function* files(entry: string): Generator<string> {
  if (!existsSync(entry)) return;
  if (statSync(entry).isFile()) {
    yield entry;
    return;
  }
  for (const name of readdirSync(entry).sort()) yield* files(path.join(entry, name));
}

export function sourceHash(root: string): string {
  const hash = createHash("sha256");
  for (const source of SOURCES) {
    for (const file of files(path.join(root, source))) {
      hash.update(path.relative(root, file));
      hash.update(readFileSync(file));
    }
  }
  return hash.digest("hex");
}

const stampFile = (root: string) => path.join(root, ".next", "wfm-source-hash");

export function buildIsCurrent(root: string): boolean {
  const stamp = stampFile(root);
  return existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === sourceHash(root);
}

export async function ensureBuild(root: string, log: (line: string) => void): Promise<boolean> {
  if (buildIsCurrent(root)) return false;
  log("Building the console (first start, or the sources changed)…");
  const hash = sourceHash(root);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [nextCli(root), "build"], {
      cwd: root,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new StartupError(`The console build failed (next build exited ${code}):\n${output.trim().split("\n").slice(-25).join("\n")}`));
    });
  });
  writeFileSync(stampFile(root), hash);
  return true;
}

/** The path of Next's CLI, so we run it with this same Node and without a shell. */
export function nextCli(root: string): string {
  return path.join(root, "node_modules", "next", "dist", "bin", "next");
}
