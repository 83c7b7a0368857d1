import { NextResponse } from "next/server";
import { configPage, createReference, listReference, referenceKind } from "@/lib/config/reference";
import { sharedDatabase } from "@/lib/db/shared";
import { queryOf, readRoute } from "../../_lib/read-route";
import { bodyOf } from "../../_lib/respond";
import { writeRoute } from "../../_lib/write-route";

export const dynamic = "force-dynamic";

type Params = { kind: string };

/** GET /api/v1/config/{tenants,switches,time-zones,skills}?tenant=&limit=&cursor= — cfg's objects of that kind, by dbid. */
export const GET = readRoute<Params>(
  (sql, { request, params }) => listReference(sql, referenceKind(params.kind), configPage.strict().parse(queryOf(request))),
  "config.read",
);

/** POST /api/v1/config/{kind} — creates one in cfg; the change feed carries it to the WFM Servers. */
export const POST = writeRoute<Params>("config.write", async ({ request, params }) => {
  const kind = referenceKind(params.kind);
  return NextResponse.json(await createReference(sharedDatabase().sql, kind, await bodyOf(request)), { status: 201 });
});
