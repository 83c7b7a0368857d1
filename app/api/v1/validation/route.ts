import { validationReport } from "@/lib/console/validation";
import { readRoute } from "../_lib/read-route";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/validation — SPEC §6.1 "validation": duplicate names across sources and tenants (each member
 * with its source), agents without a site, sites naming what is gone.
 */
export const GET = readRoute(async (sql) => {
  const report = await validationReport(sql);
  return {
    duplicates: report.collisions.map((c) => ({
      objectType: c.objectType,
      name: c.name,
      members: c.members.map((m) => ({ source: m.source, tenantDbid: m.tenantDbid, dbid: m.dbid })),
    })),
    unassignedAgents: report.unassignedAgents,
    brokenSites: report.brokenSites,
  };
});
