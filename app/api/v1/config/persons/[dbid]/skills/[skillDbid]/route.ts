import { NextResponse } from "next/server";
import { removeSkillLevel, setSkillLevel } from "@/lib/config/persons";
import { sharedDatabase } from "@/lib/db/shared";
import { BIGINT_ID_MAX } from "@/lib/input";
import { pathId } from "../../../../../_lib/read-route";
import { bodyOf } from "../../../../../_lib/respond";
import { writeRoute } from "../../../../../_lib/write-route";
import { sourceOf } from "../../../../_lib/source";

export const dynamic = "force-dynamic";

type Params = { dbid: string; skillDbid: string };

/** PUT /api/v1/config/persons/{dbid}/skills/{skillDbid}?source= {"level"} — sets one skill level; answers the person. */
export const PUT = writeRoute<Params>("config.write", async ({ request, params }) =>
  NextResponse.json(
    await setSkillLevel(
      sharedDatabase().sql,
      sourceOf(request),
      pathId("dbid", params.dbid, BIGINT_ID_MAX),
      pathId("skillDbid", params.skillDbid, BIGINT_ID_MAX),
      await bodyOf(request),
    ),
  ),
);

/** DELETE /api/v1/config/persons/{dbid}/skills/{skillDbid}?source= — removes that level. */
export const DELETE = writeRoute<Params>("config.write", async ({ request, params }) => {
  await removeSkillLevel(sharedDatabase().sql, sourceOf(request), pathId("dbid", params.dbid, BIGINT_ID_MAX), pathId("skillDbid", params.skillDbid, BIGINT_ID_MAX));
  return new NextResponse(null, { status: 204 });
});
