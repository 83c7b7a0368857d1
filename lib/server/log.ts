/** Structured JSON lines, one per event, with the server's name and instance on every line. */
import pino from "pino";
import { env } from "../env";

export type Logger = pino.Logger;

export function createLogger(server: string, instance?: string): Logger {
  return pino({
    base: { server, instance, pid: process.pid },
    level: env().logLevel,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
