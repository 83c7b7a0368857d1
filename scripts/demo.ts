/**
 * npm run demo -- --agents N [--source NAME] [--reset] [--seed S] [--duplicate-skill]
 * Fills a configuration source (default main; another is created if it does not exist yet) and WFM sites on its
 * switches with a deterministic contact center of N agents.
 * npm run demo -- --url postgres://…/configdb --source NAME --agents N fills a replicated source's own
 * Configuration Database instead (after `npm run cfg-source -- init` there); WFM receives it by replication.
 */
import { parseArgs } from "node:util";
import { runCli } from "../lib/cli";
import { createSource } from "../lib/config/sources";
import { MAIN_SOURCE, schemaOf, sourceName } from "../lib/config/source-names";
import { connect, openDatabase } from "../lib/db";
import { describeTarget } from "../lib/db/client";
import { loadWorkload } from "../lib/demo/load";
import { scaledWorkload } from "../lib/demo/workload";
import { StartupError } from "../lib/errors";

runCli(async () => {
  const { values } = parseArgs({
    options: {
      agents: { type: "string", default: "1000" },
      source: { type: "string", default: MAIN_SOURCE },
      url: { type: "string" },
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
  // Checked before the database starts: a bad name is the user's typo, said in one line.
  const named = sourceName("--source").safeParse(values.source);
  if (!named.success) throw new StartupError(`${named.error.issues[0]!.message}, not '${values.source}'.`);
  const source = named.data;
  const size = scaledWorkload(agents, { seed, duplicateSkill: values["duplicate-skill"] });
  if (values.url !== undefined) {
    if (source === MAIN_SOURCE) {
      throw new StartupError("--url fills a replicated source's own Configuration Database: name that source with --source (as given to cfg-source init), main is WFM's own.");
    }
    const external = await connect(values.url, { source: "--url", max: 2 });
    try {
      const result = await loadWorkload(external.sql, size, { reset: values.reset, source, configurationDatabase: true });
      console.log(
        `Loaded ${result.persons.toLocaleString("en")} persons and ${result.skillLevels.toLocaleString("en")} skill levels into ${schemaOf(source)} of the Configuration Database at ${describeTarget(values.url)} in ${(result.ms / 1000).toFixed(1)} s.`,
      );
    } finally {
      await external.close();
    }
    return;
  }
  const database = await openDatabase();
  try {
    const [known] = await database.sql`select exists (select 1 from wfm.config_sources where name = ${source}) as "is"`;
    if (!known?.is) {
      await createSource(database.sql, { name: source, kind: "local" });
      console.log(`Created the local configuration source ${source}.`);
    }
    const result = await loadWorkload(database.sql, size, { reset: values.reset, source });
    const into = source === MAIN_SOURCE ? "" : ` into source ${source}`;
    console.log(
      `Loaded ${result.persons.toLocaleString("en")} persons, ${result.skillLevels.toLocaleString("en")} skill levels and ${result.sites} sites${into} in ${(result.ms / 1000).toFixed(1)} s.`,
    );
  } finally {
    await database.shutdown();
  }
});
