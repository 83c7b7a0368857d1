import { NextResponse } from "next/server";
import { requireApiUser } from "@/app/lib/session";
import { agentSearch, searchAgents } from "@/lib/console/agents";
import { sharedDatabase } from "@/lib/db/shared";
import { badInput, handleError } from "../_lib/respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/agents?q=&site=&terminated=&cfgDbid=&limit=&cursor= — one page of agents, by id. */
export async function GET(request: Request) {
  try {
    await requireApiUser();
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const parsed = agentSearch.strict().safeParse(query);
    if (!parsed.success) return badInput(parsed.error);
    return NextResponse.json(await searchAgents(sharedDatabase().sql, parsed.data));
  } catch (error) {
    return handleError(error);
  }
}
