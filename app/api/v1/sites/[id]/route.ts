import { NextResponse } from "next/server";
import { consoleAnnounce } from "@/app/lib/mesh";
import { siteConsequence } from "@/lib/console/effective-server";
import { getSite } from "@/lib/console/overview";
import { deleteSite, updateSite } from "@/lib/console/sites";
import { sharedDatabase } from "@/lib/db/shared";
import { pathId, readRoute } from "../../_lib/read-route";
import { bodyOf } from "../../_lib/respond";
import { writeRoute } from "../../_lib/write-route";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** GET /api/v1/sites/{id} */
export const GET = readRoute<Params>((sql, { params }) => getSite(sql, pathId("id", params.id)));

/**
 * PATCH /api/v1/sites/{id} — any of name, timeZone, switchDbid (with switchSource, default main) and server; {"server": "<name>" | null}
 * assigns or clears, as the Sites page's inline select does. Answers the site with what the change means for
 * its agents (`consequence`), as the page says it.
 */
export const PATCH = writeRoute<Params>("sites.write", async ({ request, params, user }) => {
  const id = pathId("id", params.id);
  const { sql } = sharedDatabase();
  const body = await bodyOf(request);
  await updateSite(sql, id, body, user.username, await consoleAnnounce());
  const site = await getSite(sql, id);
  // Said of an assignment only: renaming a site whose server is stopped changes nothing for its agents.
  const assigned = typeof body === "object" && body !== null && "server" in body;
  return NextResponse.json({ ...site, consequence: assigned ? siteConsequence(site) : null });
});

/** DELETE /api/v1/sites/{id} — its agents become unassigned. */
export const DELETE = writeRoute<Params>("sites.write", async ({ params, user }) => {
  await deleteSite(sharedDatabase().sql, pathId("id", params.id), user.username, await consoleAnnounce());
  return new NextResponse(null, { status: 204 });
});
