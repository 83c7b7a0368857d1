import { NextResponse } from "next/server";
import { startAgentSync } from "@/lib/console/agents";
import { sharedDatabase } from "@/lib/db/shared";
import { pathId } from "../../../_lib/read-route";
import { writeRoute } from "../../../_lib/write-route";

export const dynamic = "force-dynamic";

/** POST /api/v1/agents/{id}/sync — a targeted sync of one agent: 202 with {runId} once started, else {requestId}. */
export const POST = writeRoute<{ id: string }>("agents.sync", async ({ params, user }) => {
  const started = await startAgentSync(sharedDatabase().sql, pathId("id", params.id), user.username);
  return NextResponse.json(started.runId !== null ? { runId: started.runId } : { requestId: started.requestId, waiting: started.waiting }, { status: 202 });
});
