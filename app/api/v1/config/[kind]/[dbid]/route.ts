import { NextResponse } from "next/server";
import { deleteReference, getReference, referenceKind, updateReference } from "@/lib/config/reference";
import { sharedDatabase } from "@/lib/db/shared";
import { BIGINT_ID_MAX } from "@/lib/input";
import { pathId, readRoute } from "../../../_lib/read-route";
import { bodyOf } from "../../../_lib/respond";
import { writeRoute } from "../../../_lib/write-route";
import { sourceOf } from "../../_lib/source";

export const dynamic = "force-dynamic";

type Params = { kind: string; dbid: string };

/** GET /api/v1/config/{kind}/{dbid}?source= */
export const GET = readRoute<Params>(
  (sql, { request, params }) => getReference(sql, sourceOf(request), referenceKind(params.kind), pathId("dbid", params.dbid, BIGINT_ID_MAX)),
  "config.read",
);

/** PATCH /api/v1/config/{kind}/{dbid}?source= — changes the given fields. */
export const PATCH = writeRoute<Params>("config.write", async ({ request, params }) => {
  const kind = referenceKind(params.kind);
  return NextResponse.json(
    await updateReference(sharedDatabase().sql, sourceOf(request), kind, pathId("dbid", params.dbid, BIGINT_ID_MAX), await bodyOf(request)),
  );
});

/** DELETE /api/v1/config/{kind}/{dbid}?source= — with what cfg's foreign keys take along (a tenant's objects, a switch's logins). */
export const DELETE = writeRoute<Params>("config.write", async ({ request, params }) => {
  await deleteReference(sharedDatabase().sql, sourceOf(request), referenceKind(params.kind), pathId("dbid", params.dbid, BIGINT_ID_MAX));
  return new NextResponse(null, { status: 204 });
});
