import { NextResponse } from "next/server";
import { requireApiUser } from "@/app/lib/session";
import { startFullSync } from "@/lib/console/full-sync";
import { handleError, sameOrigin } from "../../../_lib/respond";
import { sharedDatabase } from "@/lib/db/shared";
import { authorize } from "@/lib/auth/roles";

export const dynamic = "force-dynamic";

/** POST /api/v1/servers/{name}/full-sync — 202 with {runId} once started, or {requestId} while queued. */
export async function POST(request: Request, context: { params: Promise<{ name: string }> }) {
  try {
    const user = await requireApiUser();
    const refused = sameOrigin(request);
    if (refused) return refused;
    authorize(user, "servers.fullSync");
    const started = await startFullSync(sharedDatabase().sql, (await context.params).name, user.username);
    return NextResponse.json(started.runId !== null ? { runId: started.runId } : { requestId: started.requestId, waiting: started.waiting }, { status: 202 });
  } catch (error) {
    return handleError(error);
  }
}
