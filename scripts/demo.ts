/**
 * npm run demo -- --agents N [--reset] [--seed S] [--duplicate-skill]
 * Fills the Configuration Database (and WFM sites) with a deterministic contact center of N agents.
 */
import { parseArgs } from "node:util";
import { runCli } from "../lib/cli";
import { openDatabase } from "../lib/db";
import { loadWorkload } from "../lib/demo/load";
import { scaledWorkload } from "../lib/demo/workload";
import { StartupError } from "../lib/errors";

runCli(async () => {
  const { values } = parseArgs({
    options: {
      agents: { type: "string", default: "1000" },
      seed: { type: "string", default: "42" },
      reset: { type: "boolean", default: false },
      "duplicate-skill": { type: "boolean", default: false },
    },
  });
  const agents = Number(values.agents);
  const seed = Number(values.seed);
  if (!Number.isInteger(agents) || agents < 0 || agents > 10_000_000) {
    throw new StartupError(`--agents must be a whole number from 0 to 10,000,000, not '${values.agents}'.`);
  }
  if (!Number.isInteger(seed)) throw new StartupError(`--seed must be a whole number, not '${values.seed}'.`);
  const database = await openDatabase();
  try {
    const size = scaledWorkload(agents, { seed, duplicateSkill: values["duplicate-skill"] });
    const result = await loadWorkload(database.sql, size, { reset: values.reset });
    console.log(
      `Loaded ${result.persons.toLocaleString("en")} persons, ${result.skillLevels.toLocaleString("en")} skill levels and ${result.sites} sites in ${(result.ms / 1000).toFixed(1)} s.`,
    );
  } finally {
    await database.shutdown();
  }
});
