import { listRuns, runFilter } from "@/lib/console/runs";
import { queryOf, readRoute } from "../../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/sync/runs?server=&kind=&status=&limit=&cursor= — newest first, {items, next}. */
export const GET = readRoute((sql, { request }) => listRuns(sql, runFilter.strict().parse(queryOf(request))));
