import { auditFilter, listAudit } from "@/lib/console/audit";
import { queryOf, readRoute } from "../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/audit?user=&objectType=&objectKey=&action=&from=&to=&limit=&cursor= — newest first, {items, next}. */
export const GET = readRoute((sql, { request }) => listAudit(sql, auditFilter.strict().parse(queryOf(request))));
