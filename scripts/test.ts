/**
 * npm test: type check, lint, unit and integration tests against a real PostgreSQL (vitest), then end-to-end
 * tests in Chromium against the product started as `npm start` starts it (Playwright). Ends with one
 * summary line, "N passed, N failed".
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
    child.on("close", (code) => resolve(code ?? 1));
  });
}

const bin = (name: string) => path.resolve("node_modules", ".bin", name);

function vitestTally(file: string): Tally {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0 };
  const report = JSON.parse(readFileSync(file, "utf8"));
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
}

function playwrightTally(file: string): Tally {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0 };
  const stats = JSON.parse(readFileSync(file, "utf8")).stats;
  return { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
}

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), "wfm-npm-test-"));
  chmodSync(work, 0o755);
  const results: { name: string; code: number; tally?: Tally }[] = [];
  try {
    results.push({ name: "typecheck", code: await run(bin("tsc"), ["--noEmit"]) });
    results.push({ name: "lint", code: await run(bin("eslint"), [".", "--max-warnings", "0"]) });

    const vitestJson = path.join(work, "vitest.json");
    const vitestCode = await run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`]);
    results.push({ name: "unit and integration", code: vitestCode, tally: vitestTally(vitestJson) });

    const playwrightJson = path.join(work, "playwright.json");
    const e2eCode = await run(bin("playwright"), ["test"], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
      E2E_DATA_DIR: path.join(work, "e2e-pg"),
    });
    results.push({ name: "end-to-end", code: e2eCode, tally: playwrightTally(playwrightJson) });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const total = results.reduce(
    (sum, r) => ({ passed: sum.passed + (r.tally?.passed ?? 0), failed: sum.failed + (r.tally?.failed ?? 0), skipped: sum.skipped + (r.tally?.skipped ?? 0) }),
    { passed: 0, failed: 0, skipped: 0 },
  );
  console.log("");
  for (const r of results) {
    const tally = r.tally ? ` — ${r.tally.passed} passed, ${r.tally.failed} failed` : "";
    console.log(`${r.code === 0 ? "ok  " : "FAIL"} ${r.name}${tally}`);
  }
  const failedSteps = results.filter((r) => r.code !== 0).length;
  // A failed step with no failed test (a type error, a crashed runner) still counts as a failure.
  const failed = Math.max(total.failed, failedSteps);
  console.log(`${total.passed} passed, ${failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
  process.exit(failedSteps === 0 ? 0 : 1);
}

void main();
