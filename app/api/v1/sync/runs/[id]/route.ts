import { NextResponse } from "next/server";
import { z } from "zod";
import { requireApiUser } from "@/app/lib/session";
import { getRun } from "@/lib/console/runs";
import { sharedDatabase } from "@/lib/db/shared";
import { badInput, handleError } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/sync/runs/{id} */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    await requireApiUser();
    const id = z.coerce.number().int().positive("a run id is a positive whole number").safeParse((await context.params).id);
    if (!id.success) return badInput(id.error);
    return NextResponse.json(await getRun(sharedDatabase().sql, id.data));
  } catch (error) {
    return handleError(error);
  }
}
