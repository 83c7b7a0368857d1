import { NextResponse } from "next/server";
import { probeDatabase } from "@/lib/db/client";
import { sharedDatabase } from "@/lib/db/shared";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, within a second whatever the database does; no authentication, no data. */
export async function GET() {
  const { reachable, latencyMs } = await probeDatabase(sharedDatabase().sql);
  return reachable
    ? NextResponse.json({ status: "ok", database: { reachable: true, latencyMs } })
    : NextResponse.json({ status: "degraded", database: { reachable: false } }, { status: 503 });
}
