import { env } from "./env";
import { DomainError, StartupError } from "./errors";

/**
 * Runs a command-line entry point: known errors become one line on stderr and exit code 1; anything else is
 * a bug and keeps its stack trace (with WFM_VERBOSE=1, known errors do too).
 */
export function runCli(main: () => Promise<void | number>): void {
  main().then(
    (code) => {
      if (typeof code === "number") process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof StartupError || error instanceof DomainError) {
        console.error(`wfm-sync: ${error.message}`);
        if (verbose() && error.cause) console.error(error.cause);
      } else {
        console.error(error);
      }
      process.exit(1);
    },
  );
}

/** WFM_VERBOSE=1; false when the environment itself is what is wrong (that error is being reported). */
function verbose(): boolean {
  try {
    return env().verbose;
  } catch {
    return false;
  }
}
