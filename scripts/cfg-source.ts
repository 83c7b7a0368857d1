/**
 * npm run cfg-source -- init --url postgres://…/configdb --name eu [--grant-to ROLE]
 * The Configuration Database side of a replicated source (SPEC §2.9, issue 14): installs the source's schema and
 * its publication in that database (lib/config/publisher.ts). A check that fails is one line and exit code 1.
 */
import { parseArgs } from "node:util";
import { runCli } from "../lib/cli";
import { installPublisher, redactConnection } from "../lib/config/publisher";
import { StartupError } from "../lib/errors";

const USAGE = `Usage: npm run cfg-source -- init --url postgres://user:password@host:5432/configdb --name NAME [--grant-to ROLE]

Installs the configuration source NAME in its own Configuration Database (a PostgreSQL other than WFM's), for
WFM to replicate: schema cfg_NAME with the tables and change feed of a local source, and publication wfm_NAME
of its seven data tables. Run it once per source, as a user who may create schemas in that database.

  --url URL         the Configuration Database (postgres://… or host=… dbname=… user=… password=…)
  --name NAME       the source's name in WFM: a lower-case letter, then up to 30 lower-case letters, digits or _
  --grant-to ROLE   let ROLE (which needs LOGIN and REPLICATION) read the published tables: the least-privilege
                    user WFM's subscription connects as
  --help            this text

It checks first and says in one line what is wrong: wal_level not logical, missing privileges, the schema or
publication there already. It never drops or changes existing data.`;

runCli(async () => {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        url: { type: "string" },
        name: { type: "string" },
        "grant-to": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    // Node's own text goes on about positional arguments; its first sentence names the problem.
    const problem = (error as Error).message.split(/\.(\s|$)/)[0];
    throw new StartupError(`${problem}: init takes --url, --name and --grant-to (see npm run cfg-source -- --help).`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, ...extra] = positionals;
  if (command !== "init" || extra.length > 0) {
    throw new StartupError(
      command === undefined
        ? "Say what to do: npm run cfg-source -- init --url postgres://…/configdb --name NAME (see --help)."
        : `Unknown command '${[command, ...extra].join(" ")}': the command is init (see npm run cfg-source -- --help).`,
    );
  }
  if (!values.url) throw new StartupError("init needs --url, the Configuration Database: --url postgres://user:password@host:5432/configdb.");
  if (!values.name) throw new StartupError("init needs --name, the source's name in WFM: --name eu.");

  const report = await installPublisher(values.url, values.name, { grantTo: values["grant-to"] });
  const connection = report.grantedTo ? `postgres://${report.grantedTo}:PASSWORD@${report.target}` : redactConnection(values.url);
  const body = JSON.stringify({ name: report.source, kind: "replicated", connection });
  console.log(`Installed the configuration source ${report.source} in the Configuration Database at ${report.target} (PostgreSQL ${report.serverVersion}):`);
  console.log(`  schema ${report.schema}: the tables and change feed of a source`);
  console.log(`  publication ${report.publication}: ${report.tables.join(", ")}`);
  if (report.grantedTo) console.log(`  role ${report.grantedTo}: may read the schema and those tables, and replicate`);
  console.log(`Next: register the source in WFM on the console's Sources page, or POST /api/v1/sources ${body}`);
});
