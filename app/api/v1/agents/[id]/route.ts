import { NextResponse } from "next/server";
import { z } from "zod";
import { requireApiUser } from "@/app/lib/session";
import { authorize } from "@/lib/auth/roles";
import { getAgent, setTermination, terminationInput } from "@/lib/console/agents";
import { sharedDatabase } from "@/lib/db/shared";
import { badInput, handleError, readJson, sameOrigin } from "../../_lib/respond";

export const dynamic = "force-dynamic";

const idOf = async (context: { params: Promise<{ id: string }> }) => z.coerce.number().int().positive("an agent id is a positive whole number").safeParse((await context.params).id);

/** GET /api/v1/agents/{id} */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    await requireApiUser();
    const id = await idOf(context);
    if (!id.success) return badInput(id.error);
    return NextResponse.json(await getAgent(sharedDatabase().sql, id.data));
  } catch (error) {
    return handleError(error);
  }
}

/** PATCH /api/v1/agents/{id} {"terminationDate": "YYYY-MM-DD" | null} — terminates or reinstates. */
export async function PATCH(request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireApiUser();
    const refused = sameOrigin(request);
    if (refused) return refused;
    authorize(user, "agents.terminate");
    const id = await idOf(context);
    if (!id.success) return badInput(id.error);
    const read = await readJson(request);
    if (!read.ok) return read.response;
    const parsed = terminationInput.strict().safeParse(read.body);
    if (!parsed.success) return badInput(parsed.error);
    return NextResponse.json(await setTermination(sharedDatabase().sql, id.data, parsed.data));
  } catch (error) {
    return handleError(error);
  }
}
