import { NextResponse } from "next/server";
import { z } from "zod";
import { deleteSourceLeaving } from "@/lib/api/source-deletion";
import { deleteSourceQuery, sourceView, type SourceDeleted } from "@/lib/api/source-shapes";
import { getSource } from "@/lib/config/sources";
import { sourceName } from "@/lib/config/source-names";
import { sharedDatabase } from "@/lib/db/shared";
import { queryOf, readRoute } from "../../_lib/read-route";
import { writeRoute } from "../../_lib/write-route";

export const dynamic = "force-dynamic";

type Params = { name: string };

/** A source's name in the path: the one rule for source names, or 400 naming it. */
const pathSourceName = (value: string) => z.object({ name: sourceName("name") }).parse({ name: value }).name;

/** GET /api/v1/sources/{name} — with a replicated source's subscription state, lag and publisher (never its password). */
export const GET = readRoute<Params>(async (sql, { params }) => sourceView(await getSource(sql, pathSourceName(params.name))));

/**
 * DELETE /api/v1/sources/{name}[?force=true] — the source and its schema, and a replicated source's subscription
 * with its replication slot on the publisher; refused (409, naming them) while a server belongs to it or WFM
 * holds objects imported from it, and always for main (400).
 *
 * 204: deleted, nothing left anywhere. 503 (UNAVAILABLE): a replicated source's Configuration Database cannot be
 * reached to drop its slot, and nothing was deleted. With force=true it is deleted in WFM anyway; when the slot
 * had to be left on the publisher the answer is 200 with {"name", "slotLeft": {"slot", "publisher", "drop"}}.
 */
export const DELETE = writeRoute<Params>("sources.write", async ({ request, params }) => {
  const name = pathSourceName(params.name);
  const { force } = deleteSourceQuery.parse(queryOf(request));
  const slotLeft = await deleteSourceLeaving(sharedDatabase().sql, name, { force });
  if (!slotLeft) return new NextResponse(null, { status: 204 });
  return NextResponse.json({ name, slotLeft } satisfies SourceDeleted, { status: 200 });
});
