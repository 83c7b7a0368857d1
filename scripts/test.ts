/**
 * npm test: unit and integration tests against a real PostgreSQL (vitest) and, beside them, the type check,
 * the lint and the console build; then the end-to-end tests in Chromium against the product started as
 * `npm start` starts it (Playwright). Prints each step's wall time, the slowest test files and the total, and
 * ends with one summary line, "N passed, N failed" (CI reads that last line).
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_PROPERTY_RUNS, propertyRuns } from "../lib/testing/property-runs";
import { PRODUCT_COMMAND, productEnv, productUrl, type ProductSettings } from "../e2e/product";

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

interface Step {
  name: string;
  code: number;
  seconds: number;
  tally?: Tally;
}

/**
 * Runs a step, timed. Its output goes straight through, or — for steps run side by side — is kept and
 * printed in one piece when it ends, so that two steps' lines never interleave.
 */
function run(name: string, command: string, args: string[], options: { env?: Record<string, string>; buffered?: boolean } = {}): Promise<Step> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: options.buffered ? ["ignore", "pipe", "pipe"] : "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...options.env },
    });
    const output: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
    child.on("close", (code) => {
      if (options.buffered && output.length > 0) process.stdout.write(Buffer.concat(output));
      resolve({ name, code: code ?? 1, seconds: (performance.now() - started) / 1000 });
    });
  });
}

// Rounded to the second before it is split, so that 359.6 s reads "6 min 00 s", not "5 min 60 s".
const minutes = (seconds: number) => {
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
};

const bin = (name: string) => path.resolve("node_modules", ".bin", name);

function vitestTally(file: string): Tally {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0 };
  const report = JSON.parse(readFileSync(file, "utf8"));
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
}

/** The test files that took longest, from vitest's JSON report: where to look when the run gets slow. */
function slowestFiles(file: string, count: number): string[] {
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, "utf8")) as { testResults: { name: string; startTime: number; endTime: number }[] };
  return report.testResults
    .map((r) => ({ name: path.relative(process.cwd(), r.name), seconds: (r.endTime - r.startTime) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, count)
    .map((r) => `${r.name} ${r.seconds.toFixed(0)} s`);
}

/** Each failed test with the first line of why, from vitest's JSON report: the summary is all a CI log may keep. */
function vitestFailures(file: string): string[] {
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, "utf8")) as {
    testResults: { name: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
  };
  return report.testResults.flatMap((file) => {
    const name = path.relative(process.cwd(), file.name);
    const failed = file.assertionResults.filter((a) => a.status === "failed");
    // A file that failed before its tests ran (a hook, an import) has no failed assertion, only a message.
    if (failed.length === 0 && file.message) return [`${name}: ${firstLine(file.message)}`];
    return failed.map((a) => `${name} › ${a.fullName}: ${firstLine(a.failureMessages[0] ?? "")}`);
  });
}

/** The same from Playwright's JSON report, walking its nested suites. */
function playwrightFailures(file: string): string[] {
  if (!existsSync(file)) return [];
  type Suite = { suites?: Suite[]; specs?: { title: string; file: string; line: number; tests: { results: { status: string; error?: { message?: string } }[] }[] }[] };
  const walk = (suite: Suite): string[] => [
    ...(suite.specs ?? []).flatMap((spec) => {
      const last = spec.tests.flatMap((t) => t.results).at(-1);
      return last && last.status !== "passed" && last.status !== "skipped" ? [`${spec.file}:${spec.line} › ${spec.title}: ${firstLine(last.error?.message ?? last.status)}`] : [];
    }),
    ...(suite.suites ?? []).flatMap(walk),
  ];
  return walk(JSON.parse(readFileSync(file, "utf8")) as Suite);
}

// eslint-disable-next-line no-control-regex -- the reports keep the terminal's colour codes
const firstLine = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "").split("\n").find((l) => l.trim() !== "")?.trim().slice(0, 300) ?? "";

function playwrightTally(file: string): Tally {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0 };
  const stats = JSON.parse(readFileSync(file, "utf8")).stats;
  return { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
}

const freePort = () =>
  new Promise<string>((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(String(port)));
    });
    server.on("error", reject);
  });

/**
 * The e2e step's product, started as soon as the console is built, beside the unit tests: its start (a cluster
 * initialised, migrations, the demo loaded, the console and a WFM Server up) took 40 s of the e2e step on the
 * quiet machine. Resolves once it answers its health check, or with null (Playwright then starts its own).
 */
async function startProduct(settings: ProductSettings): Promise<{ child: ChildProcess; output: Buffer[] } | null> {
  const child = spawn(process.execPath, PRODUCT_COMMAND, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...productEnv(settings) },
  });
  const output: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk));
  const until = Date.now() + 300_000;
  while (Date.now() < until && child.exitCode === null) {
    try {
      const answer = await fetch(`${productUrl(settings.port)}/api/v1/health`);
      if (answer.ok) return { child, output };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  process.stdout.write(Buffer.concat(output));
  console.log("npm test: the e2e product did not start beside the unit tests; Playwright starts its own");
  await stopProduct(child);
  return null;
}

/** SIGTERM, as Playwright stops its webServer, then SIGKILL after 20 s. */
async function stopProduct(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
}

async function main() {
  const started = performance.now();
  const work = mkdtempSync(path.join(os.tmpdir(), "wfm-npm-test-"));
  chmodSync(work, 0o755);
  const steps: Step[] = [];
  let slowest: string[] | undefined;
  const failures: string[] = [];
  // Set beside the unit tests, read after them: a holder, so the type checker does not narrow it to null.
  const e2eProduct: { running: Awaited<ReturnType<typeof startProduct>> } = { running: null };
  try {
    const runs = propertyRuns();
    console.log(`Property tests: ${runs} runs each${runs === DEFAULT_PROPERTY_RUNS ? " (the default; WFM_PROPERTY_RUNS=500 before a release)" : " (WFM_PROPERTY_RUNS)"}.`);
    const vitestJson = path.join(work, "vitest.json");
    // The unit tests mostly wait — on servers, databases, timers — and leave a core idle most of the time.
    // The type check, the lint and the console's production build (what the e2e step serves) use it, one
    // after another beside them, so the e2e step starts on a current build as soon as the tests end. The
    // e2e step itself does not run beside the unit tests: Chromium, the console and a WFM Server beside the
    // unit tests' server processes made both slower (7 min 03 s in all, against about 6 min 30 s one after
    // the other, on the quiet 2-core machine).
    const product: ProductSettings = {
      port: await freePort(),
      dataDir: path.join(work, "e2e-pg"),
      adminPassword: "e2e-admin-password",
      meshSecret: "e2e-mesh-secret-0123456789",
    };
    const besideUnitTests = (async () => {
      const done: Step[] = [];
      done.push(await run("typecheck", bin("tsc"), ["--noEmit"], { buffered: true }));
      done.push(await run("lint", bin("eslint"), [".", "--max-warnings", "0"], { buffered: true }));
      const build = await run("console build", process.execPath, ["--import", "tsx", path.join("scripts", "build-console.ts")], { buffered: true });
      done.push(build);
      if (build.code === 0) e2eProduct.running = await startProduct(product);
      return done;
    })();
    const [vitest, beside] = await Promise.all([
      run("unit and integration", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${vitestJson}`]),
      besideUnitTests,
    ]);
    steps.push(...beside, { ...vitest, tally: vitestTally(vitestJson) });
    slowest = slowestFiles(vitestJson, 5);
    failures.push(...vitestFailures(vitestJson));

    const playwrightJson = path.join(work, "playwright.json");
    const { running } = e2eProduct;
    const e2e = await run("end-to-end", bin("playwright"), ["test"], {
      env: {
        PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
        E2E_PORT: product.port,
        E2E_DATA_DIR: product.dataDir,
        E2E_ADMIN_PASSWORD: product.adminPassword,
        E2E_MESH_SECRET: product.meshSecret,
        ...(running ? { E2E_PRODUCT_STARTED: "1" } : {}),
      },
    });
    if (running) {
      await stopProduct(running.child);
      // What the product said, when a test failed: Playwright prints it only for a product it started itself.
      if (e2e.code !== 0) process.stdout.write(Buffer.concat(running.output));
    }
    steps.push({ ...e2e, tally: playwrightTally(playwrightJson) });
    failures.push(...playwrightFailures(playwrightJson));
  } finally {
    // Never left running, whatever happened before the e2e step.
    if (e2eProduct.running) await stopProduct(e2eProduct.running.child);
    rmSync(work, { recursive: true, force: true });
  }

  const total = steps.reduce(
    (sum, r) => ({ passed: sum.passed + (r.tally?.passed ?? 0), failed: sum.failed + (r.tally?.failed ?? 0), skipped: sum.skipped + (r.tally?.skipped ?? 0) }),
    { passed: 0, failed: 0, skipped: 0 },
  );
  console.log("");
  for (const r of steps) {
    const tally = r.tally ? ` — ${r.tally.passed} passed, ${r.tally.failed} failed` : "";
    console.log(`${r.code === 0 ? "ok  " : "FAIL"} ${r.name.padEnd(20)} ${minutes(r.seconds).padStart(10)}${tally}`);
  }
  if (slowest?.length) console.log(`slowest test files: ${slowest.join(", ")}`);
  for (const failure of failures) console.log(`failed: ${failure}`);
  console.log(`total ${minutes((performance.now() - started) / 1000)} (${os.availableParallelism()} CPUs, load ${os.loadavg()[0]!.toFixed(1)})`);
  const failedSteps = steps.filter((r) => r.code !== 0).length;
  // A failed step with no failed test (a type error, a crashed runner) still counts as a failure.
  const failed = Math.max(total.failed, failedSteps);
  console.log(`${total.passed} passed, ${failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
  process.exit(failedSteps === 0 ? 0 : 1);
}

void main();
