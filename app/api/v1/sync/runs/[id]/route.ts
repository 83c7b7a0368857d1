import { getRun } from "@/lib/console/runs";
import { BIGINT_ID_MAX } from "@/lib/input";
import { pathId, readRoute } from "../../../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/sync/runs/{id} */
export const GET = readRoute<{ id: string }>((sql, { params }) => getRun(sql, pathId("id", params.id, BIGINT_ID_MAX)));
