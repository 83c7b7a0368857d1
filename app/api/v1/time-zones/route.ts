import { listPage, pageOf } from "@/lib/api/paging";
import { queryOf, readRoute } from "../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/time-zones — the time zones imported into WFM. */
export const GET = readRoute(async (sql, { request }) => pageOf(await sql`select cfg_dbid as "cfgDbid", tenant_dbid as "tenantDbid", name, iana_name as "ianaName" from wfm.time_zones order by name`, listPage.strict().parse(queryOf(request))));
