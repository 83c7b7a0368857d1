import { NextResponse } from "next/server";
import { z } from "zod";
import { startAgentSync } from "@/lib/console/agents";
import { sharedDatabase } from "@/lib/db/shared";
import { badInput } from "../../../_lib/respond";
import { writeRoute } from "../../../_lib/write-route";

export const dynamic = "force-dynamic";

/** POST /api/v1/agents/{id}/sync — a targeted sync of one agent: 202 with {runId} once started, else {requestId}. */
export const POST = writeRoute<{ id: string }>("agents.sync", async ({ params, user }) => {
  const id = z.coerce.number().int().positive("an agent id is a positive whole number").safeParse(params.id);
  if (!id.success) return badInput(id.error);
  const started = await startAgentSync(sharedDatabase().sql, id.data, user.username);
  return NextResponse.json(started.runId !== null ? { runId: started.runId } : { requestId: started.requestId, waiting: started.waiting }, { status: 202 });
});
