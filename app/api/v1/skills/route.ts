import { listPage, pageOf } from "@/lib/api/paging";
import { queryOf, readRoute } from "../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/skills — the skills imported into WFM. */
export const GET = readRoute(async (sql, { request }) => pageOf(await sql`select cfg_dbid as "cfgDbid", tenant_dbid as "tenantDbid", name from wfm.skills order by name`, listPage.strict().parse(queryOf(request))));
