import { openDatabase } from "./lib/db/index";
import { runFullSync } from "./lib/sync/engine";
const d = await openDatabase({ databaseUrl: null, dataDir: ".test-data/t3/pg", durable: true });
await d.sql`insert into wfm.servers (name) values ('WFMServer') on conflict do nothing`;
const t = performance.now();
const r = await runFullSync(d.sql, { server: "WFMServer", trigger: "manual" });
console.log(Math.round(performance.now() - t), "ms", r);
await d.shutdown();
