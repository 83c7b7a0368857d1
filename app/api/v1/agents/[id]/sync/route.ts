import { NextResponse } from "next/server";
import { z } from "zod";
import { requireApiUser } from "@/app/lib/session";
import { authorize } from "@/lib/auth/roles";
import { syncAgentNow } from "@/lib/console/agents";
import { sharedDatabase } from "@/lib/db/shared";
import { awaitRequestRun } from "@/lib/sync/requests";
import { badInput, handleError, sameOrigin } from "../../../_lib/respond";

export const dynamic = "force-dynamic";

/** POST /api/v1/agents/{id}/sync — a targeted sync of one agent: 202 with {runId} once started, else {requestId}. */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireApiUser();
    const refused = sameOrigin(request);
    if (refused) return refused;
    authorize(user, "agents.sync");
    const id = z.coerce.number().int().positive("an agent id is a positive whole number").safeParse((await context.params).id);
    if (!id.success) return badInput(id.error);
    const { sql } = sharedDatabase();
    const queued = await syncAgentNow(sql, id.data, user.username);
    const now = queued.waiting ? queued : await awaitRequestRun(sql, queued.id, 2000);
    return NextResponse.json(now.runId !== null ? { runId: now.runId } : { requestId: now.id, waiting: now.waiting }, { status: 202 });
  } catch (error) {
    return handleError(error);
  }
}
