import { eventFilter, getRun, runEvents } from "@/lib/console/runs";
import { BIGINT_ID_MAX } from "@/lib/input";
import { pathId, queryOf, readRoute } from "../../../../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/sync/runs/{id}/events?action=&objectType=&limit=&cursor= — the run's log, in order. */
export const GET = readRoute<{ id: string }>(async (sql, { request, params }) => {
  const id = pathId("id", params.id, BIGINT_ID_MAX);
  const filter = eventFilter.strict().parse(queryOf(request));
  await getRun(sql, id); // 404 for a run that does not exist
  return runEvents(sql, id, filter);
});
