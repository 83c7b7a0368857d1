import fs from "node:fs";
import path from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { StartupError } from "./errors";
import { LOG_LEVELS, TEST_VARIABLES, VARIABLES, parseEnv, type Env, type EnvRecord, type VariableDoc } from "./env";

const ROOT = path.resolve(import.meta.dirname, "..");

const DEFAULTS: Env = {
  databaseUrl: undefined,
  port: 3000,
  host: "127.0.0.1",
  adminPassword: undefined,
  demo: true,
  dataDir: undefined,
  runRetentionDays: 30,
  startServer: true,
  meshSecret: undefined,
  authProvider: "wfm",
  meshPeers: [],
  secureCookies: false,
  trustedProxies: 0,
  verbose: false,
  logLevel: "info",
  serverHost: "127.0.0.1",
  explainMs: 0,
  pgLog: false,
  user: undefined,
};

/** The StartupError parseEnv throws for `record`, or a failure when it does not throw one. */
function refusal(record: EnvRecord): StartupError {
  try {
    parseEnv(record);
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return error as StartupError;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(record)}`);
}

describe("parseEnv", () => {
  it("gives every default for an empty environment", () => {
    expect(parseEnv({})).toEqual(DEFAULTS);
  });

  it("ignores variables it does not know", () => {
    expect(parseEnv({ PATH: "/usr/bin", NODE_ENV: "production", E2E_PORT: "x" })).toEqual(DEFAULTS);
  });

  it.each<[string, string, Partial<Env>]>([
    ["DATABASE_URL", "postgres://u:p@db:5432/wfm", { databaseUrl: "postgres://u:p@db:5432/wfm" }],
    ["PORT", "8080", { port: 8080 }],
    ["PORT", " 8080 ", { port: 8080 }],
    ["PORT", "65535", { port: 65535 }],
    ["HOST", "0.0.0.0", { host: "0.0.0.0" }],
    ["WFM_ADMIN_PASSWORD", "  spaces count  ", { adminPassword: "  spaces count  " }],
    ["WFM_DEMO", "0", { demo: false }],
    ["WFM_DEMO", "1", { demo: true }],
    ["WFM_DATA_DIR", "/var/lib/wfm-sync/data", { dataDir: "/var/lib/wfm-sync/data" }],
    ["WFM_DATA_DIR", "relative/pg", { dataDir: "relative/pg" }],
    ["WFM_RUN_RETENTION_DAYS", "0", { runRetentionDays: 0 }],
    ["WFM_RUN_RETENTION_DAYS", "7", { runRetentionDays: 7 }],
    ["WFM_RUN_RETENTION_DAYS", "0.5", { runRetentionDays: 0.5 }],
    ["WFM_START_SERVER", "0", { startServer: false }],
    ["WFM_START_SERVER", "1", { startServer: true }],
    ["WFM_MESH_SECRET", "0123456789abcdef", { meshSecret: "0123456789abcdef" }],
    ["WFM_AUTH_PROVIDER", "ldap", { authProvider: "ldap" }],
    ["WFM_AUTH_PROVIDER", "", { authProvider: "" }],
    ["WFM_MESH_PEERS", "ws://a:1/mesh, ws://b:2/mesh,,", { meshPeers: ["ws://a:1/mesh", "ws://b:2/mesh"] }],
    ["WFM_SECURE_COOKIES", "1", { secureCookies: true }],
    ["WFM_SECURE_COOKIES", "0", { secureCookies: false }],
    ["WFM_TRUSTED_PROXIES", "0", { trustedProxies: 0 }],
    ["WFM_TRUSTED_PROXIES", "2", { trustedProxies: 2 }],
    ["WFM_TRUSTED_PROXIES", "10", { trustedProxies: 10 }],
    ["WFM_TRUSTED_PROXIES", " ", { trustedProxies: 0 }],
    ["WFM_VERBOSE", "1", { verbose: true }],
    ["WFM_LOG_LEVEL", "debug", { logLevel: "debug" }],
    ["WFM_LOG_LEVEL", "silent", { logLevel: "silent" }],
    ["WFM_SERVER_HOST", "0.0.0.0", { serverHost: "0.0.0.0" }],
    ["WFM_EXPLAIN", "0", { explainMs: 0 }],
    ["WFM_EXPLAIN", "1", { explainMs: 500 }],
    ["WFM_EXPLAIN", "250", { explainMs: 250 }],
    ["WFM_PG_LOG", "1", { pgLog: true }],
    ["USER", "ann", { user: "ann" }],
  ])("%s=%j", (name, value, expected) => {
    expect(parseEnv({ [name]: value })).toEqual({ ...DEFAULTS, ...expected });
  });

  it("takes an empty value as unset, except WFM_AUTH_PROVIDER's", () => {
    const empty = Object.fromEntries(Object.keys(VARIABLES).map((name) => [name, ""]));
    expect(parseEnv(empty)).toEqual({ ...DEFAULTS, authProvider: "" });
  });

  it("has a test for every variable", () => {
    // The table above names each one; a variable added to the schema without a case here fails this.
    const tested = new Set(["DATABASE_URL", "PORT", "HOST", "WFM_ADMIN_PASSWORD", "WFM_DEMO", "WFM_DATA_DIR", "WFM_RUN_RETENTION_DAYS", "WFM_START_SERVER", "WFM_MESH_SECRET", "WFM_AUTH_PROVIDER", "WFM_MESH_PEERS", "WFM_SECURE_COOKIES", "WFM_TRUSTED_PROXIES", "WFM_VERBOSE", "WFM_LOG_LEVEL", "WFM_SERVER_HOST", "WFM_EXPLAIN", "WFM_PG_LOG", "USER"]);
    expect(new Set(Object.keys(VARIABLES))).toEqual(tested);
  });

  it("offers pino's levels and no others", () => {
    expect([...LOG_LEVELS].sort()).toEqual([...Object.keys(pino.levels.values), "silent"].sort());
  });
});

describe("a bad value is a StartupError of one line: the variable, what it must be, what it was", () => {
  it.each([
    ["PORT", "http", "PORT must be a whole number from 1 to 65535, not 'http'."],
    ["PORT", "0", "PORT must be a whole number from 1 to 65535, not '0'."],
    ["PORT", "65536", "PORT must be a whole number from 1 to 65535, not '65536'."],
    ["PORT", "80.5", "PORT must be a whole number from 1 to 65535, not '80.5'."],
    ["WFM_RUN_RETENTION_DAYS", "-1", "WFM_RUN_RETENTION_DAYS must be a number of days ≥ 0, not '-1'."],
    ["WFM_RUN_RETENTION_DAYS", "a week", "WFM_RUN_RETENTION_DAYS must be a number of days ≥ 0, not 'a week'."],
    ["WFM_RUN_RETENTION_DAYS", "Infinity", "WFM_RUN_RETENTION_DAYS must be a number of days ≥ 0, not 'Infinity'."],
    ["WFM_LOG_LEVEL", "verbose", "WFM_LOG_LEVEL must be one of pino's levels: trace, debug, info, warn, error, fatal, silent, not 'verbose'."],
    ["WFM_LOG_LEVEL", "INFO", "WFM_LOG_LEVEL must be one of pino's levels: trace, debug, info, warn, error, fatal, silent, not 'INFO'."],
    ["WFM_TRUSTED_PROXIES", "11", "WFM_TRUSTED_PROXIES must be the number of reverse proxies in front of the console (0 to 10), not '11'."],
    ["WFM_TRUSTED_PROXIES", "-1", "WFM_TRUSTED_PROXIES must be the number of reverse proxies in front of the console (0 to 10), not '-1'."],
    ["WFM_TRUSTED_PROXIES", "1.5", "WFM_TRUSTED_PROXIES must be the number of reverse proxies in front of the console (0 to 10), not '1.5'."],
    ["WFM_TRUSTED_PROXIES", "yes", "WFM_TRUSTED_PROXIES must be the number of reverse proxies in front of the console (0 to 10), not 'yes'."],
    ["WFM_EXPLAIN", "slow", "WFM_EXPLAIN must be a number of milliseconds ≥ 0 (0 off, 1 for 500), not 'slow'."],
    ["WFM_EXPLAIN", "-5", "WFM_EXPLAIN must be a number of milliseconds ≥ 0 (0 off, 1 for 500), not '-5'."],
    ["WFM_DEMO", "false", "WFM_DEMO must be 0 (no demo data on first run) or 1, not 'false'."],
    ["WFM_DEMO", "no", "WFM_DEMO must be 0 (no demo data on first run) or 1, not 'no'."],
    ["WFM_START_SERVER", "off", "WFM_START_SERVER must be 0 (no bundled WFM Server) or 1, not 'off'."],
    ["WFM_SECURE_COOKIES", "true", "WFM_SECURE_COOKIES must be 0 or 1 (mark the session cookie Secure), not 'true'."],
    ["WFM_VERBOSE", "yes", "WFM_VERBOSE must be 0 or 1 (print the error behind a start-up message), not 'yes'."],
    ["WFM_PG_LOG", "2", "WFM_PG_LOG must be 0 or 1 (copy PostgreSQL's output to stderr), not '2'."],
  ])("%s=%j", (name, value, message) => {
    expect(refusal({ [name]: value }).message).toBe(message);
  });

  it("keeps a value with a line break on one line", () => {
    const { message } = refusal({ PORT: "80\n81" });
    expect(message).toBe("PORT must be a whole number from 1 to 65535, not '80\\n81'.");
  });

  it("cuts a long value short", () => {
    const { message } = refusal({ WFM_LOG_LEVEL: "x".repeat(500) });
    expect(message).toMatch(/^WFM_LOG_LEVEL must be .*, not 'x{80}…'\.$/);
  });

  it("gives one line for each bad variable", () => {
    expect(refusal({ PORT: "x", WFM_DEMO: "no", HOST: "fine" }).message.split("\n")).toEqual([
      "PORT must be a whole number from 1 to 65535, not 'x'.",
      "WFM_DEMO must be 0 (no demo data on first run) or 1, not 'no'.",
    ]);
  });
});

describe("env()", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("reads process.env on first use and keeps what it read", async () => {
    vi.resetModules();
    vi.stubEnv("PORT", "4100");
    const { env } = await import("./env");
    const first = env();
    expect(first.port).toBe(4100);
    vi.stubEnv("PORT", "4200");
    expect(env()).toBe(first);
  });

  it("imports without reading, and throws the same StartupError on every use when a value is bad", async () => {
    vi.resetModules();
    vi.stubEnv("WFM_TRUSTED_PROXIES", "eleven");
    const { env } = await import("./env");
    const { StartupError: FreshStartupError } = await import("./errors");
    expect(env).toThrow(FreshStartupError);
    expect(env).toThrow("WFM_TRUSTED_PROXIES must be the number of reverse proxies in front of the console (0 to 10), not 'eleven'.");
  });
});

describe("README's Environment and Testing sections", () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const rowsOf = (heading: string) => {
    const start = readme.indexOf(`\n## ${heading}\n`);
    expect(start, `README has a "## ${heading}" section`).toBeGreaterThanOrEqual(0);
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    return Object.fromEntries(
      [...section.matchAll(/^\| `([A-Z0-9_]+)` \| (.*) \| (.*) \|$/gm)].map(([, name, fallback, description]) => [name!, { default: fallback, description }]),
    );
  };
  const documented = (variables: Record<string, Omit<VariableDoc, "must">>) =>
    Object.fromEntries(Object.entries(variables).map(([name, doc]) => [name, { default: doc.default, description: doc.description }]));

  it("Environment lists every variable with lib/env.ts's default and description, and nothing else", () => {
    expect(rowsOf("Environment")).toEqual(documented(VARIABLES));
  });

  it("Testing lists every test knob with its default and description, and nothing else", () => {
    expect(rowsOf("Testing")).toEqual(documented(TEST_VARIABLES));
  });
});

/**
 * Where process.env may still be read directly: lib/env.ts; the tests and their configuration (test knobs);
 * and the files whose reads are still to be switched to env() (kept short: it only shrinks).
 */
const DIRECT_READS_ALLOWED = [
  /^lib\/env\.ts$/,
  /\.test\.ts$/,
  /^e2e\//,
  /^lib\/testing\//,
  /^playwright\.config\.ts$/,
];

/** process.env.X, process.env["X"], const { X } = process.env, and process.env handed to a function to read. */
const DIRECT_READ = /process\.env\s*(\??\.|\[)|\}\s*=\s*process\.env\b|[=(,]\s*process\.env\s*[,)]/;

describe("process.env", () => {
  it("is read directly nowhere else (passing it whole to a child process is fine)", () => {
    const files = ["lib", "app", "scripts", "bench", "e2e", "db"].flatMap((dir) =>
      fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" }).map((file) => `${dir}/${file}`),
    );
    const sources = [...files, "proxy.ts", "playwright.config.ts", "next.config.ts", "vitest.config.ts", "drizzle.config.ts"].filter(
      (file) => /\.(ts|tsx|mts|js|mjs)$/.test(file) && fs.existsSync(path.join(ROOT, file)),
    );
    const reads = sources
      .filter((file) => !DIRECT_READS_ALLOWED.some((allowed) => allowed.test(file)))
      .flatMap((file) =>
        fs
          .readFileSync(path.join(ROOT, file), "utf8")
          .split("\n")
          .flatMap((line, i) => (DIRECT_READ.test(line) ? [`${file}:${i + 1}`] : [])),
      );
    expect(reads, "read it through env() from lib/env.ts (add the variable there and to README's table)").toEqual([]);
  });
});
