/**
 * Every environment variable the product reads, in one zod schema: each with its type, its default and one
 * line on what it does (README's Environment table lists the same, and env.test.ts checks that it does).
 *
 * Read through env(), which parses process.env on first use and keeps the result; parseEnv(record) parses a
 * given record, for tests and for the few functions that take one. Importing this module reads nothing and
 * throws nothing, so it is safe in app/ code running inside Next as well as in scripts/; it imports nothing of
 * Next's. A bad value is a StartupError with one line per bad variable: its name, what it must be, and what it
 * was. The launcher (scripts/start.ts) parses first thing, so a bad value stops `npm start` before anything
 * starts; the console and the bundled WFM Server inherit the environment it checked.
 *
 * Two rules hold for every variable: an empty value is the same as unset (except WFM_AUTH_PROVIDER, where an
 * empty provider is a provider, one that web events refuse), and a switch is 0 or 1.
 *
 * Test-only knobs (E2E_*, CHROMIUM_PATH, WFM_PROPERTY_*, ...) are read where the tests are; TEST_VARIABLES
 * documents them (README's Testing section lists the same).
 */
import { z } from "zod";
import { StartupError } from "./errors";

/** The shape of process.env: what parseEnv takes. */
export type EnvRecord = Record<string, string | undefined>;

/** pino's levels, plus "silent" (nothing logged). */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

const unsetIfEmpty = (value: unknown) => (value === "" ? undefined : value);
const unsetIfBlank = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

/** A string; empty is unset. */
const text = () => z.preprocess(unsetIfEmpty, z.string().optional());
const textOr = (fallback: string) => z.preprocess(unsetIfEmpty, z.string().default(fallback));

/** 0 or 1; empty or unset is the fallback. */
const zeroOrOne = (fallback: boolean) =>
  z.preprocess(unsetIfEmpty, z.enum(["0", "1"]).optional()).transform((value) => (value === undefined ? fallback : value === "1"));

/** A number as JavaScript's Number() reads it (blank is unset), kept when `valid` says so. */
const numberOr = (fallback: number, valid: (n: number) => boolean) =>
  z.preprocess(unsetIfBlank, z.string().optional()).transform((value, ctx) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!valid(n)) {
      ctx.addIssue({ code: "custom", message: "invalid" });
      return z.NEVER;
    }
    return n;
  });

const shape = {
  DATABASE_URL: text(),
  PORT: numberOr(3000, (n) => Number.isInteger(n) && n >= 1 && n <= 65535),
  HOST: textOr("127.0.0.1"),
  WFM_ADMIN_PASSWORD: text(),
  WFM_DEMO: zeroOrOne(true),
  WFM_DATA_DIR: text(),
  WFM_RUN_RETENTION_DAYS: numberOr(30, (n) => Number.isFinite(n) && n >= 0),
  WFM_START_SERVER: zeroOrOne(true),
  WFM_MESH_SECRET: text(),
  // Not emptied: an empty provider is one web events refuse, by name (lib/mesh/token.ts).
  WFM_AUTH_PROVIDER: z.string().default("wfm"),
  WFM_MESH_PEERS: text().transform((value) => (value ?? "").split(",").map((peer) => peer.trim()).filter(Boolean)),
  WFM_SECURE_COOKIES: zeroOrOne(false),
  WFM_TRUSTED_PROXIES: numberOr(0, (n) => Number.isInteger(n) && n >= 0 && n <= 10),
  WFM_VERBOSE: zeroOrOne(false),
  WFM_LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(LOG_LEVELS).default("info")),
  WFM_SERVER_HOST: textOr("127.0.0.1"),
  // 1 is short for 500 ms.
  WFM_EXPLAIN: numberOr(0, (n) => Number.isFinite(n) && n >= 0).transform((ms) => (ms === 1 ? 500 : ms)),
  WFM_PG_LOG: zeroOrOne(false),
  USER: text(),
};

export type EnvVariable = keyof typeof shape;

/** What the README says of each variable: its default as a reader sees it, one line, and what a value must be. */
export interface VariableDoc {
  default: string;
  description: string;
  /** For the one-line message "<NAME> must be <must>, not '<value>'." Absent where every value is taken. */
  must?: string;
}

export const VARIABLES: Record<EnvVariable, VariableDoc> = {
  DATABASE_URL: {
    default: "unset: the embedded PostgreSQL",
    description: "a PostgreSQL to use instead of the embedded one (`postgres://user:password@host:5432/db`); `npm start` hands the console its database this way",
  },
  PORT: { default: "`3000`", description: "the console's port", must: "a whole number from 1 to 65535" },
  HOST: { default: "`127.0.0.1`", description: "the address the console listens on (`0.0.0.0` for every interface)" },
  WFM_ADMIN_PASSWORD: { default: "unset: generated", description: "the first admin's password; generated and printed once if unset" },
  WFM_DEMO: { default: "`1`", description: "`0`: no demo data on first run", must: "0 (no demo data on first run) or 1" },
  WFM_DATA_DIR: { default: "`.data/pg`", description: "where the embedded PostgreSQL keeps its data (`npm start`, and `npm run wfm-server` finding it)" },
  WFM_RUN_RETENTION_DAYS: {
    default: "`30`",
    description: "sync runs (and their log) older than this many days are pruned at start",
    must: "a number of days ≥ 0",
  },
  WFM_START_SERVER: {
    default: "`1`",
    description: "`0`: `npm start` runs the console without a WFM Server (for deployments that run their servers elsewhere)",
    must: "0 (no bundled WFM Server) or 1",
  },
  WFM_MESH_SECRET: {
    default: "unset: no web events",
    description: "the key that signs mesh tokens between WFM Servers and the console (at least 16 characters); when set, the bundled server runs with web events",
  },
  WFM_AUTH_PROVIDER: { default: "`wfm`", description: "the `[auth] provider`; web events refuse to start unless it is `wfm`" },
  WFM_MESH_PEERS: {
    default: "unset: servers with web events",
    description: "comma-separated `ws://…/mesh` URLs the console joins as a client peer (by default every server recorded with web events on)",
  },
  WFM_SECURE_COOKIES: { default: "`0`", description: "`1`: mark the session cookie `Secure` (behind HTTPS)", must: "0 or 1 (mark the session cookie Secure)" },
  WFM_TRUSTED_PROXIES: {
    default: "`0`",
    description: "how many reverse proxies stand in front of the console; only then is `X-Forwarded-For` read, that many hops from the right — see \"Signing in\"",
    must: "the number of reverse proxies in front of the console (0 to 10)",
  },
  WFM_VERBOSE: { default: "`0`", description: "`1`: print the underlying error behind a start-up message", must: "0 or 1 (print the error behind a start-up message)" },
  WFM_LOG_LEVEL: {
    default: "`info`",
    description: "a WFM Server's log level (`debug` logs every real-time batch)",
    must: `one of pino's levels: ${LOG_LEVELS.join(", ")}`,
  },
  WFM_SERVER_HOST: { default: "`127.0.0.1`", description: "the address a WFM Server's HTTP port listens on when `--host` is not given" },
  WFM_EXPLAIN: {
    default: "`0` (off)",
    description: "diagnostics: log the plan of every sync statement slower than this many milliseconds (`1` means 500)",
    must: "a number of milliseconds ≥ 0 (0 off, 1 for 500)",
  },
  WFM_PG_LOG: { default: "`0`", description: "`1`: copy the embedded PostgreSQL's output to stderr", must: "0 or 1 (copy PostgreSQL's output to stderr)" },
  USER: { default: "set by the system", description: "your login name, only to phrase the `chown` hint when the data directory is not yours" },
};

/**
 * Read by the tests only, where they are (playwright.config.ts, e2e/, lib/testing/, a test file); not parsed
 * here. README's Testing section lists them.
 */
export const TEST_VARIABLES: Record<string, Omit<VariableDoc, "must">> = {
  CHROMIUM_PATH: { default: "`/usr/bin/chromium`", description: "the Chromium the end-to-end tests drive" },
  E2E_PORT: { default: "a free port", description: "the port Playwright's `npm start` listens on" },
  E2E_DATA_DIR: { default: "a new temporary directory", description: "the embedded PostgreSQL's data directory under Playwright (`npm test` sets one)" },
  E2E_ADMIN_PASSWORD: { default: "`e2e-admin-password`", description: "the first admin's password under Playwright" },
  E2E_MESH_SECRET: { default: "`e2e-mesh-secret-0123456789`", description: "the mesh secret under Playwright" },
  CI: { default: "unset", description: "set: a `test.only` left in an end-to-end test fails the run" },
  PLAYWRIGHT_JSON_OUTPUT_NAME: { default: "unset", description: "set (by `npm test`): Playwright also writes a JSON report there" },
  NGINX_PATH: { default: "`/usr/sbin/nginx`", description: "the nginx the mesh-behind-a-proxy test runs (`lib/mesh/proxy.process.test.ts` fails without one)" },
  WFM_PROPERTY_RUNS: { default: "`10`", description: "cases each property test (`lib/sync/*.property.test.ts`) tries, from a new random seed each time; `500` before a release" },
  WFM_PROPERTY_SEED: { default: "unset: random", description: "replay a failed property: the seed its failure printed" },
  WFM_PROPERTY_PATH: { default: "unset", description: "with `WFM_PROPERTY_SEED`: the path its failure printed, to run just the failing case" },
  WFM_TEST_SERVER_BUNDLE: {
    default: "`1`",
    description: "`0`: test WFM Server processes run `scripts/wfm-server.ts` through tsx, as `npm start` does, instead of a bundle of it made once per vitest run",
  },
  WFM_SCREENSHOTS: { default: "unset", description: "`1`: `e2e/screenshots.spec.ts` rewrites `docs/screenshots/` (every page at 1440 and at 390 px); otherwise it is skipped" },
  VITEST_MAX_FORKS: { default: "CPUs − 1, at least 2", description: "test files vitest runs at once (vitest's own variable; `vitest.config.ts` sets the default)" },
};

const schema = z.object(shape).transform((v) => ({
  databaseUrl: v.DATABASE_URL,
  port: v.PORT,
  host: v.HOST,
  adminPassword: v.WFM_ADMIN_PASSWORD,
  demo: v.WFM_DEMO,
  /** As given (relative to the working directory); unset means `.data/pg` (lib/db defaultDataDir). */
  dataDir: v.WFM_DATA_DIR,
  runRetentionDays: v.WFM_RUN_RETENTION_DAYS,
  startServer: v.WFM_START_SERVER,
  meshSecret: v.WFM_MESH_SECRET,
  authProvider: v.WFM_AUTH_PROVIDER,
  meshPeers: v.WFM_MESH_PEERS,
  secureCookies: v.WFM_SECURE_COOKIES,
  trustedProxies: v.WFM_TRUSTED_PROXIES,
  verbose: v.WFM_VERBOSE,
  logLevel: v.WFM_LOG_LEVEL,
  serverHost: v.WFM_SERVER_HOST,
  /** 0: off. */
  explainMs: v.WFM_EXPLAIN,
  pgLog: v.WFM_PG_LOG,
  user: v.USER,
}));

export type Env = z.output<typeof schema>;

/** A value as it goes into a one-line message: control characters escaped, long values cut. */
function shown(value: string): string {
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped.length > 80 ? `${escaped.slice(0, 80)}…` : escaped;
}

/** The environment in `record`, or a StartupError with one line per bad variable. */
export function parseEnv(record: EnvRecord): Env {
  const parsed = schema.safeParse(record);
  if (parsed.success) return parsed.data;
  const bad = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
  throw new StartupError(
    bad
      .map((name) => {
        const must = VARIABLES[name as EnvVariable]?.must ?? "a string";
        return `${name} must be ${must}, not '${shown(String(record[name]))}'.`;
      })
      .join("\n"),
  );
}

let parsed: { env: Env } | { error: unknown } | undefined;

/** process.env, parsed on first use and kept (a bad value throws the same StartupError every time). */
export function env(): Env {
  if (!parsed) {
    try {
      parsed = { env: parseEnv(process.env) };
    } catch (error) {
      parsed = { error };
    }
  }
  if ("error" in parsed) throw parsed.error;
  return parsed.env;
}
