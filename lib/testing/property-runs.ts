/**
 * How many cases each property test (lib/sync/*.property.test.ts) tries: WFM_PROPERTY_RUNS. Apart from
 * cfg-arbitrary.ts, which imports vitest, so that scripts/test.ts can say what a run of `npm test` tried.
 */

/**
 * Runs per property when WFM_PROPERTY_RUNS is unset: what `npm test` runs, some 10–20 s per property on the
 * 2-core machine (a run is a few real full syncs against PostgreSQL). Each run starts from a new random seed,
 * so every run of the suite tries other cases; before a release, run many more (README, "Testing").
 */
export const DEFAULT_PROPERTY_RUNS = 10;

/** A numeric knob from the environment: undefined when unset or blank, an error when not `valid`. */
export function propertyKnob(name: string, valid: (n: number) => boolean, must: string): number | undefined {
  const raw = process.env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  // A bad value must not quietly become NaN runs, which fast-check would take as none.
  if (!valid(n)) throw new Error(`${name} must be ${must}, not '${raw}'`);
  return n;
}

/** WFM_PROPERTY_RUNS, else the default. */
export const propertyRuns = (): number =>
  propertyKnob("WFM_PROPERTY_RUNS", (n) => Number.isInteger(n) && n >= 1, "a whole number of runs ≥ 1") ?? DEFAULT_PROPERTY_RUNS;

/** A property's test timeout: ten seconds a run, and never under the ten minutes the default run had. */
export const propertyTimeout = (): number => Math.max(600_000, propertyRuns() * 10_000);
