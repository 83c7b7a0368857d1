/**
 * The command line of `npm run wfm-server` (SPEC §7), checked with zod: a bad flag stops the process with
 * one line naming it, before anything touches the database.
 */
import { parseArgs } from "node:util";
import { sourceName } from "../config/source-names";
import { z } from "zod";
import { env } from "../env";
import { StartupError } from "../errors";
import { serverName } from "../input";

export { serverName } from "../input";

const wholeNumber = (what: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${what} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${what} must be at least ${min}`).max(max, `${what} must be at most ${max}`));

const peerUrl = z
  .string()
  .url("a peer is a URL such as ws://host:port/mesh")
  .refine((url) => /^wss?:\/\//.test(url), "a peer URL starts with ws:// or wss://");

const flags = z.object({
  name: serverName,
  host: z.string().min(1).default("127.0.0.1"),
  port: wholeNumber("--port", 0, 65535).default(0),
  level: wholeNumber("--level", 0, 2).optional(),
  source: sourceName("--source").optional(),
  timeout: wholeNumber("--timeout (minutes)", 0, 525_600).optional(),
  "cache-slack": wholeNumber("--cache-slack (seconds)", 1, 86_400).optional(),
  "web-events": z.boolean().optional(),
  peer: z.array(peerUrl).optional(),
});

export interface ServerFlags {
  name: string;
  host: string;
  port: number;
  /** Options for the first registration; afterwards the row in wfm.servers wins. */
  level?: number;
  /** The configuration source it syncs (SPEC §2.9); main when not given. */
  source?: string;
  timeoutMinutes?: number;
  cacheSlackSeconds?: number;
  webEvents?: boolean;
  /** Recorded as the server's connections when given. */
  peers?: string[];
}

export const USAGE =
  "usage: npm run wfm-server -- --name <name> [--port P] [--host H] [--level 0|1|2] [--source NAME] [--timeout MIN] [--cache-slack S] [--web-events] [--peer ws://…/mesh]…";

export function parseServerFlags(argv: string[]): ServerFlags {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        name: { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        level: { type: "string" },
        source: { type: "string" },
        timeout: { type: "string" },
        "cache-slack": { type: "string" },
        "web-events": { type: "boolean" },
        peer: { type: "string", multiple: true },
      },
    }));
  } catch (error) {
    throw new StartupError(`${(error as Error).message.split("\n")[0]}\n${USAGE}`);
  }
  if (values.name === undefined) throw new StartupError(`--name is required.\n${USAGE}`);
  const parsed = flags.safeParse({ ...values, host: values.host ?? env().serverHost });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = issue.path[0] === undefined ? "" : `--${String(issue.path[0])}: `;
    throw new StartupError(`${flag}${issue.message}.\n${USAGE}`);
  }
  const f = parsed.data;
  return {
    name: f.name,
    host: f.host,
    port: f.port,
    level: f.level,
    source: f.source,
    timeoutMinutes: f.timeout,
    cacheSlackSeconds: f["cache-slack"],
    webEvents: f["web-events"],
    peers: f.peer,
  };
}
