import { listPage, pageOf } from "@/lib/api/paging";
import { listUsers } from "@/lib/console/overview";
import { queryOf, readRoute } from "../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/users — WFM users (console accounts). */
export const GET = readRoute(async (sql, { request }) => pageOf(await listUsers(sql), listPage.strict().parse(queryOf(request))));
