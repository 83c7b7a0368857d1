import { totals } from "@/lib/console/overview";
import { findCollisions } from "@/lib/sync/collisions";
import { readRoute } from "../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/validation — SPEC §6.1 "validation": duplicate names, and how many agents have no site. */
export const GET = readRoute(async (sql) => {
  const [collisions, t] = await Promise.all([findCollisions(sql), totals(sql)]);
  return {
    duplicates: collisions.map((c) => ({ objectType: c.objectType, name: c.name, members: c.members.map((m) => ({ tenantDbid: m.tenantDbid, dbid: m.dbid })) })),
    unassignedAgents: t.unassigned,
  };
});
