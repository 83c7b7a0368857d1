import { NextResponse } from "next/server";
import { authorize } from "@/lib/auth/roles";
import { agentPatch, getAgent, updateAgent } from "@/lib/console/agents";
import { sharedDatabase } from "@/lib/db/shared";
import { pathId, readRoute } from "../../_lib/read-route";
import { bodyOf } from "../../_lib/respond";
import { writeRoute } from "../../_lib/write-route";

export const dynamic = "force-dynamic";

type Params = { id: string };

/** GET /api/v1/agents/{id} */
export const GET = readRoute<Params>((sql, { params }) => getAgent(sql, pathId("id", params.id)));

/**
 * PATCH /api/v1/agents/{id} {"terminationDate": "YYYY-MM-DD" | null} terminates or reinstates (supervisor or
 * admin); {"siteId": id | null} moves the agent (admin). Both in one transaction.
 */
export const PATCH = writeRoute<Params>("agents.terminate", async ({ request, params, user }) => {
  const id = pathId("id", params.id);
  const body = agentPatch.parse(await bodyOf(request));
  if (body.siteId !== undefined) authorize(user, "agents.move");
  const { changed: _, ...agent } = await updateAgent(sharedDatabase().sql, id, body, user.username);
  return NextResponse.json(agent);
});
