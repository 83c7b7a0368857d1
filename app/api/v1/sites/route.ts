import { listPage, pageOf } from "@/lib/api/paging";
import { NextResponse } from "next/server";
import { consoleAnnounce } from "@/app/lib/mesh";
import { getSite, listSites } from "@/lib/console/overview";
import { createSite, siteInput } from "@/lib/console/sites";
import { sharedDatabase } from "@/lib/db/shared";
import { queryOf, readRoute } from "../_lib/read-route";
import { bodyOf } from "../_lib/respond";
import { writeRoute } from "../_lib/write-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/sites — every site with its time zone, switch, assigned server and agent count. */
export const GET = readRoute(async (sql, { request }) => pageOf(await listSites(sql), listPage.strict().parse(queryOf(request))));

/**
 * POST /api/v1/sites {"name", "timeZone", "switchDbid"?, "switchSource"?, "server"?} — the twin of Sites > New site.
 * The switch is looked up in switchSource (default main); a server of another source than the switch's is a 409.
 */
export const POST = writeRoute<Record<string, never>>("sites.write", async ({ request, user }) => {
  const input = siteInput.partial({ switchDbid: true, server: true }).strict().parse(await bodyOf(request));
  const { sql } = sharedDatabase();
  const site = await createSite(
    sql,
    { name: input.name, timeZone: input.timeZone, switchSource: input.switchSource ?? null, switchDbid: input.switchDbid ?? null, server: input.server ?? null },
    user.username,
    await consoleAnnounce(),
  );
  return NextResponse.json(await getSite(sql, site.id), { status: 201 });
});
