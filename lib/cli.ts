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
        if (process.env.WFM_VERBOSE === "1" && error.cause) console.error(error.cause);
      } else {
        console.error(error);
      }
      process.exit(1);
    },
  );
}
