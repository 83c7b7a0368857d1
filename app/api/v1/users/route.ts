import { listUsers } from "@/lib/console/overview";
import { readRoute } from "../_lib/read-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/users — WFM users (console accounts). */
export const GET = readRoute(async (sql) => ({ items: await listUsers(sql), next: null }));
