import { listRuns, runFilter } from "@/lib/console/runs";
import { queryOf, readRoute } from "../../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/sync/runs?server=&source=&kind=&status=&limit=&cursor= — newest first, {items, next}; each run with its source. */
export const GET = readRoute((sql, { request }) => listRuns(sql, runFilter.strict().parse(queryOf(request))));
