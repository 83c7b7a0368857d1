import { NextResponse } from "next/server";
import { z } from "zod";
import { consoleAnnounce } from "@/app/lib/mesh";
import { requireApiUser } from "@/app/lib/session";
import { assignSite, deleteSite } from "@/lib/console/sites";
import { listSites } from "@/lib/console/overview";
import { errorResponse } from "../../_lib/respond";
import { writeRoute } from "../../_lib/write-route";
import { sharedDatabase } from "@/lib/db/shared";
import { badInput, handleError, readJson } from "../../_lib/respond";

export const dynamic = "force-dynamic";

const body = z.strictObject({ server: z.string().trim().min(1, "name a WFM Server, or null to clear").nullable() });

/** PATCH /api/v1/sites/{id} {"server": "<name>" | null} — the REST twin of the Sites page's assignment. */
export const PATCH = writeRoute<{ id: string }>("sites.write", async ({ request, params }) => {
  const id = siteId.safeParse(params.id);
  if (!id.success) return badInput(id.error);
  const read = await readJson(request);
  if (!read.ok) return read.response;
  const parsed = body.safeParse(read.body);
  if (!parsed.success) return badInput(parsed.error);
  const site = await assignSite(sharedDatabase().sql, { siteId: id.data, server: parsed.data.server }, await consoleAnnounce());
  return NextResponse.json({ id: site.id, name: site.name, server: site.server });
});

const siteId = z.coerce.number().int().positive("a site id is a positive whole number");

/** GET /api/v1/sites/{id} */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    await requireApiUser();
    const id = siteId.safeParse((await context.params).id);
    if (!id.success) return badInput(id.error);
    const site = (await listSites(sharedDatabase().sql)).find((s) => s.id === id.data);
    return site ? NextResponse.json(site) : errorResponse("NOT_FOUND", `There is no site with id ${id.data}.`);
  } catch (error) {
    return handleError(error);
  }
}

/** DELETE /api/v1/sites/{id} — its agents become unassigned. */
export const DELETE = writeRoute<{ id: string }>("sites.write", async ({ params }) => {
  const id = siteId.safeParse(params.id);
  if (!id.success) return badInput(id.error);
  await deleteSite(sharedDatabase().sql, id.data, await consoleAnnounce());
  return new NextResponse(null, { status: 204 });
});
