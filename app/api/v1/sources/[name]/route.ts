import { NextResponse } from "next/server";
import { z } from "zod";
import { sourceView } from "@/lib/api/source-shapes";
import { deleteSource, getSource } from "@/lib/config/sources";
import { sourceName } from "@/lib/config/source-names";
import { sharedDatabase } from "@/lib/db/shared";
import { readRoute } from "../../_lib/read-route";
import { writeRoute } from "../../_lib/write-route";

export const dynamic = "force-dynamic";

type Params = { name: string };

/** A source's name in the path: the one rule for source names, or 400 naming it. */
const pathSourceName = (value: string) => z.object({ name: sourceName("name") }).parse({ name: value }).name;

/** GET /api/v1/sources/{name} */
export const GET = readRoute<Params>(async (sql, { params }) => sourceView(await getSource(sql, pathSourceName(params.name))));

/**
 * DELETE /api/v1/sources/{name} — the source and its schema; refused (409, naming them) while a server belongs to
 * it or WFM holds objects imported from it, and always for main.
 */
export const DELETE = writeRoute<Params>("sources.write", async ({ params }) => {
  await deleteSource(sharedDatabase().sql, pathSourceName(params.name));
  return new NextResponse(null, { status: 204 });
});
