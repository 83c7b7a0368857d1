import { NextResponse } from "next/server";
import { createPerson, listPersons } from "@/lib/config/persons";
import { sharedDatabase } from "@/lib/db/shared";
import { readRoute } from "../../_lib/read-route";
import { bodyOf } from "../../_lib/respond";
import { writeRoute } from "../../_lib/write-route";
import { listQueryOf, sourceOf } from "../_lib/source";

export const dynamic = "force-dynamic";

/** GET /api/v1/config/persons?source=&tenant=&limit=&cursor= — one source's persons with their logins and skill levels. */
export const GET = readRoute((sql, { request }) => {
  const { source, page } = listQueryOf(request);
  return listPersons(sql, source, page);
}, "config.read");

/** POST /api/v1/config/persons?source= — a person with its logins and skill levels, in one transaction of that source. */
export const POST = writeRoute("config.write", async ({ request }) =>
  NextResponse.json(await createPerson(sharedDatabase().sql, sourceOf(request), await bodyOf(request)), { status: 201 }),
);
