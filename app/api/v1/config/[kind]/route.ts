import { NextResponse } from "next/server";
import { createReference, listReference, referenceKind } from "@/lib/config/reference";
import { sharedDatabase } from "@/lib/db/shared";
import { readRoute } from "../../_lib/read-route";
import { bodyOf } from "../../_lib/respond";
import { writeRoute } from "../../_lib/write-route";
import { listQueryOf, sourceOf } from "../_lib/source";

export const dynamic = "force-dynamic";

type Params = { kind: string };

/** GET /api/v1/config/{tenants,switches,time-zones,skills}?source=&tenant=&limit=&cursor= — one source's objects of that kind, by dbid. */
export const GET = readRoute<Params>((sql, { request, params }) => {
  const kind = referenceKind(params.kind);
  const { source, page } = listQueryOf(request);
  return listReference(sql, source, kind, page);
}, "config.read");

/** POST /api/v1/config/{kind}?source= — creates one in that source; its change feed carries it to the WFM Servers. */
export const POST = writeRoute<Params>("config.write", async ({ request, params }) => {
  const kind = referenceKind(params.kind);
  return NextResponse.json(await createReference(sharedDatabase().sql, sourceOf(request), kind, await bodyOf(request)), { status: 201 });
});
