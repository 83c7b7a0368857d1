import { NextResponse } from "next/server";
import { startFullSync } from "@/lib/console/full-sync";
import { sharedDatabase } from "@/lib/db/shared";
import { writeRoute } from "../../../_lib/write-route";
import { pathServerName } from "../../../_lib/read-route";

export const dynamic = "force-dynamic";

/** POST /api/v1/servers/{name}/full-sync — 202 with {runId} once started, or {requestId} while queued. */
export const POST = writeRoute<{ name: string }>("servers.fullSync", async ({ params, user }) => {
  const started = await startFullSync(sharedDatabase().sql, pathServerName(params.name), user.username);
  return NextResponse.json(started.runId !== null ? { runId: started.runId } : { requestId: started.requestId, waiting: started.waiting }, { status: 202 });
});
