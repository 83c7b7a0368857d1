import { listServerStatus } from "@/lib/console/servers";
import { readRoute } from "../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/servers — SPEC §6.1 "server", plus the run in progress (the Servers page polls this). */
export const GET = readRoute(async (sql) => ({ items: await listServerStatus(sql), next: null }));
