import { listPage, pageOf } from "@/lib/api/paging";
import { NextResponse } from "next/server";
import { consoleAnnounce } from "@/app/lib/mesh";
import { createServer, listServerStatus, newServerInput } from "@/lib/console/servers";
import { sharedDatabase } from "@/lib/db/shared";
import { queryOf, readRoute } from "../_lib/read-route";
import { bodyOf } from "../_lib/respond";
import { writeRoute } from "../_lib/write-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/servers — SPEC §6.1 "server", plus the run in progress (the Servers page polls this). */
export const GET = readRoute(async (sql, { request }) => pageOf(await listServerStatus(sql), listPage.strict().parse(queryOf(request))));

/**
 * POST /api/v1/servers {"name", "source"?, "syncLevel"?, "syncTimeoutMinutes"?, "cacheSlackSeconds"?, "webEvents"?} —
 * registers a server of that configuration source (default main; unknown: 404 naming it).
 */
export const POST = writeRoute<Record<string, never>>("servers.write", async ({ request, user }) => {
  const input = newServerInput.strict().parse(await bodyOf(request));
  const { sql } = sharedDatabase();
  const name = await createServer(sql, input, user.username, await consoleAnnounce());
  return NextResponse.json((await listServerStatus(sql)).find((s) => s.name === name), { status: 201 });
});
