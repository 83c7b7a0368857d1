import { NextResponse } from "next/server";
import { z } from "zod";
import { consoleAnnounce } from "@/app/lib/mesh";
import { requireApiUser } from "@/app/lib/session";
import { authorize } from "@/lib/auth/roles";
import { assignSite } from "@/lib/console/sites";
import { sharedDatabase } from "@/lib/db/shared";
import { badInput, handleError, readJson, sameOrigin } from "../../_lib/respond";

export const dynamic = "force-dynamic";

const body = z.strictObject({ server: z.string().trim().min(1, "name a WFM Server, or null to clear").nullable() });

/** PATCH /api/v1/sites/{id} {"server": "<name>" | null} — the REST twin of the Sites page's assignment. */
export async function PATCH(request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireApiUser();
    const refused = sameOrigin(request);
    if (refused) return refused;
    authorize(user, "sites.write");
    const id = z.coerce.number().int().positive().safeParse((await context.params).id);
    if (!id.success) return badInput(id.error);
    const read = await readJson(request);
    if (!read.ok) return read.response;
    const parsed = body.safeParse(read.body);
    if (!parsed.success) return badInput(parsed.error);
    const site = await assignSite(sharedDatabase().sql, { siteId: id.data, server: parsed.data.server }, await consoleAnnounce());
    return NextResponse.json({ id: site.id, name: site.name, server: site.server });
  } catch (error) {
    return handleError(error);
  }
}
