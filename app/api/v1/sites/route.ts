import { listSites } from "@/lib/console/overview";
import { readRoute } from "../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/sites — every site with its time zone, switch, assigned server and agent count. */
export const GET = readRoute(async (sql) => ({ items: await listSites(sql), next: null }));
