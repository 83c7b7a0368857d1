import { NextResponse } from "next/server";
import { z } from "zod";
import { requireApiUser } from "@/app/lib/session";
import { eventFilter, getRun, runEvents } from "@/lib/console/runs";
import { sharedDatabase } from "@/lib/db/shared";
import { badInput, handleError } from "../../../../_lib/respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/sync/runs/{id}/events?action=&objectType=&limit=&cursor= — the run's log, in order. */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    await requireApiUser();
    const id = z.coerce.number().int().positive("a run id is a positive whole number").safeParse((await context.params).id);
    if (!id.success) return badInput(id.error);
    const parsed = eventFilter.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) return badInput(parsed.error);
    const { sql } = sharedDatabase();
    await getRun(sql, id.data); // 404 for a run that does not exist
    return NextResponse.json(await runEvents(sql, id.data, parsed.data));
  } catch (error) {
    return handleError(error);
  }
}
