/**
 * npm run build: the console's production build, only when the sources changed since the last one (the same
 * check `npm start` makes), so `npm test` can build it beside the unit tests and the e2e step starts at once.
 */
import { runCli } from "../lib/cli";
import { ensureBuild } from "../lib/launcher/build";

runCli(async () => {
  const built = await ensureBuild(process.cwd(), (line) => console.log(`wfm-sync: ${line}`));
  console.log(built ? "wfm-sync: the console is built." : "wfm-sync: the console's build is current.");
});
