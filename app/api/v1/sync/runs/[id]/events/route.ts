import { eventQuery, getRun, runEvents, runEventsCsv } from "@/lib/console/runs";
import { BIGINT_ID_MAX } from "@/lib/input";
import { pathId, queryOf, readRoute } from "../../../../_lib/read-route";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/sync/runs/{id}/events?action=&objectType=&q=&from=&to=&limit=&cursor=&format= — the run's log,
 * in order; `format=csv` streams every matching line as a file.
 */
export const GET = readRoute<{ id: string }>(async (sql, { request, params }) => {
  const id = pathId("id", params.id, BIGINT_ID_MAX);
  const { format, ...filter } = eventQuery.strict().parse(queryOf(request));
  await getRun(sql, id); // 404 for a run that does not exist
  if (format !== "csv") return runEvents(sql, id, filter);
  const lines = runEventsCsv(sql, id, filter);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="sync-run-${id}-log.csv"`,
      "cache-control": "no-store",
    },
  });
});
