import { listPage, pageOf } from "@/lib/api/paging";
import { listTimeZones } from "@/lib/console/time-zones";
import { queryOf, readRoute } from "../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/time-zones — the time zones imported into WFM. */
export const GET = readRoute(async (sql, { request }) => pageOf(await listTimeZones(sql), listPage.strict().parse(queryOf(request))));
