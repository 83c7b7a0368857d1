import { NextResponse } from "next/server";
import { z } from "zod";
import { requireApiUser } from "@/app/lib/session";
import { getAgent, setTermination, terminationInput } from "@/lib/console/agents";
import { sharedDatabase } from "@/lib/db/shared";
import { badInput, handleError, readJson } from "../../_lib/respond";
import { writeRoute } from "../../_lib/write-route";

export const dynamic = "force-dynamic";

const idOf = (id: string) => z.coerce.number().int().positive("an agent id is a positive whole number").safeParse(id);

/** GET /api/v1/agents/{id} */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    await requireApiUser();
    const id = idOf((await context.params).id);
    if (!id.success) return badInput(id.error);
    return NextResponse.json(await getAgent(sharedDatabase().sql, id.data));
  } catch (error) {
    return handleError(error);
  }
}

/** PATCH /api/v1/agents/{id} {"terminationDate": "YYYY-MM-DD" | null} — terminates or reinstates. */
export const PATCH = writeRoute<{ id: string }>("agents.terminate", async ({ request, params }) => {
  const id = idOf(params.id);
  if (!id.success) return badInput(id.error);
  const read = await readJson(request);
  if (!read.ok) return read.response;
  const parsed = terminationInput.strict().safeParse(read.body);
  if (!parsed.success) return badInput(parsed.error);
  return NextResponse.json(await setTermination(sharedDatabase().sql, id.data, parsed.data));
});
