import { NextResponse } from "next/server";
import { deletePerson, getPerson, updatePerson } from "@/lib/config/persons";
import { sharedDatabase } from "@/lib/db/shared";
import { BIGINT_ID_MAX } from "@/lib/input";
import { pathId, readRoute } from "../../../_lib/read-route";
import { bodyOf } from "../../../_lib/respond";
import { writeRoute } from "../../../_lib/write-route";
import { sourceOf } from "../../_lib/source";

export const dynamic = "force-dynamic";

type Params = { dbid: string };

/** GET /api/v1/config/persons/{dbid}?source= */
export const GET = readRoute<Params>(
  (sql, { request, params }) => getPerson(sql, sourceOf(request), pathId("dbid", params.dbid, BIGINT_ID_MAX)),
  "config.read",
);

/** PATCH /api/v1/config/persons/{dbid}?source= — any field; a given `logins` or `skills` list replaces the old one. */
export const PATCH = writeRoute<Params>("config.write", async ({ request, params }) =>
  NextResponse.json(await updatePerson(sharedDatabase().sql, sourceOf(request), pathId("dbid", params.dbid, BIGINT_ID_MAX), await bodyOf(request))),
);

/** DELETE /api/v1/config/persons/{dbid}?source= — sync then terminates the agent (source config). */
export const DELETE = writeRoute<Params>("config.write", async ({ request, params }) => {
  await deletePerson(sharedDatabase().sql, sourceOf(request), pathId("dbid", params.dbid, BIGINT_ID_MAX));
  return new NextResponse(null, { status: 204 });
});
