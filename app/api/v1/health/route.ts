import { NextResponse } from "next/server";
import { sharedDatabase } from "@/lib/db/shared";

export const dynamic = "force-dynamic";

/** Liveness and database reachability; no authentication, no data. */
export async function GET() {
  const started = performance.now();
  try {
    await sharedDatabase().sql`select 1`;
    return NextResponse.json({ status: "ok", database: { reachable: true, latencyMs: Math.round(performance.now() - started) } });
  } catch {
    return NextResponse.json({ status: "degraded", database: { reachable: false } }, { status: 503 });
  }
}
