import { NextResponse } from "next/server";
import { requireApiUser } from "@/app/lib/session";
import { listSites } from "@/lib/console/overview";
import { sharedDatabase } from "@/lib/db/shared";
import { handleError } from "../_lib/respond";

export const dynamic = "force-dynamic";

/** GET /api/v1/sites — every site with its time zone, switch, assigned server and agent count. */
export async function GET() {
  try {
    await requireApiUser();
    const sites = await listSites(sharedDatabase().sql);
    return NextResponse.json({ items: sites, next: null });
  } catch (error) {
    return handleError(error);
  }
}
