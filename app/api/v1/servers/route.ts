import { NextResponse } from "next/server";
import { requireApiUser } from "@/app/lib/session";
import { listServerStatus } from "@/lib/console/servers";
import { sharedDatabase } from "@/lib/db/shared";
import { handleError } from "../_lib/respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/servers — SPEC §6.1 "server", plus the run in progress (the Servers page polls this). */
export async function GET() {
  try {
    await requireApiUser();
    const servers = await listServerStatus(sharedDatabase().sql);
    return NextResponse.json({ items: servers, next: null });
  } catch (error) {
    return handleError(error);
  }
}
