import { openDatabase } from "./lib/db/index";
import { loadWorkload } from "./lib/demo/load";
import { DEMO_WORKLOAD, WORKLOAD_L } from "./lib/demo/workload";
import { runFullSync } from "./lib/sync/engine";
const d = await openDatabase({ databaseUrl: null, dataDir: ".test-data/t3/pg", durable: true });
const size = process.argv[2] === "L" ? WORKLOAD_L : DEMO_WORKLOAD;
console.log(await loadWorkload(d.sql, size, { reset: true }));
await d.sql`insert into wfm.servers (name) values ('WFMServer') on conflict do nothing`;
console.log("checkpoint"); await d.sql`checkpoint`; console.log("sync");
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const r = await runFullSync(d.sql, { server: "WFMServer", trigger: "manual" });
  console.log(Math.round(performance.now() - t), "ms", r);
  if (i === 1) await d.sql`update cfg.persons set email = email || '.x' where dbid % 100 = 0`;
}
console.log(await d.sql`select action, object_type, count(*) from wfm.sync_events group by 1,2 order by 1,2`);
console.log(await d.sql`select object_type, action, message from wfm.sync_events where action in ('error','warning') limit 5`);
console.log(await d.sql`select (select count(*) from wfm.agents) agents, (select count(*) from wfm.agent_skills) levels, (select count(*) from wfm.skills) skills, (select count(*) from wfm.time_zones) tzs, (select count(*) from wfm.agents where site_id is null) unassigned`);
await d.shutdown();
