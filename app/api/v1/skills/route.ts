import { listPage, pageOf } from "@/lib/api/paging";
import { listSkills } from "@/lib/console/skills";
import { queryOf, readRoute } from "../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/skills — the skills imported into WFM. */
export const GET = readRoute(async (sql, { request }) => pageOf(await listSkills(sql), listPage.strict().parse(queryOf(request))));
