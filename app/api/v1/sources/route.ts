import { NextResponse } from "next/server";
import { listPage, pageOf } from "@/lib/api/paging";
import { sourceView } from "@/lib/api/source-shapes";
import { createSource, listSources } from "@/lib/config/sources";
import { sharedDatabase } from "@/lib/db/shared";
import { queryOf, readRoute } from "../_lib/read-route";
import { bodyOf } from "../_lib/respond";
import { writeRoute } from "../_lib/write-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/sources — SPEC §6.1 "source": every configuration source, main first. */
export const GET = readRoute(async (sql, { request }) => {
  const page = listPage.strict().parse(queryOf(request));
  return pageOf((await listSources(sql)).map(sourceView), page);
});

/**
 * POST /api/v1/sources {"name", "kind": "local"} — adds a local source: its schema, tables and change feed.
 * {"name", "kind": "replicated", "connection": "postgres://…"} — adds a replicated one: its publisher is checked,
 * then its schema and a subscription to the publication `npm run cfg-source -- init` made there. The connection's
 * password is never answered (the source shows its publisher as host:port/database); 503 when that database
 * cannot be reached.
 */
export const POST = writeRoute("sources.write", async ({ request }) =>
  NextResponse.json(sourceView(await createSource(sharedDatabase().sql, await bodyOf(request))), { status: 201 }),
);
