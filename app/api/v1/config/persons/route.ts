import { NextResponse } from "next/server";
import { createPerson, listPersons } from "@/lib/config/persons";
import { configPage } from "@/lib/config/reference";
import { sharedDatabase } from "@/lib/db/shared";
import { queryOf, readRoute } from "../../_lib/read-route";
import { bodyOf } from "../../_lib/respond";
import { writeRoute } from "../../_lib/write-route";

export const dynamic = "force-dynamic";

/** GET /api/v1/config/persons?tenant=&limit=&cursor= — persons with their logins and skill levels. */
export const GET = readRoute(
  (sql, { request }) => listPersons(sql, configPage.strict().parse(queryOf(request))),
  "config.read",
);

/** POST /api/v1/config/persons — a person with its logins and skill levels, in one cfg transaction. */
export const POST = writeRoute("config.write", async ({ request }) =>
  NextResponse.json(await createPerson(sharedDatabase().sql, await bodyOf(request)), { status: 201 }),
);
