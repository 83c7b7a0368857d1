import { NextResponse } from "next/server";
import { z } from "zod";
import { requireApiUser } from "@/app/lib/session";
import { listRuns } from "@/lib/console/runs";
import { sharedDatabase } from "@/lib/db/shared";
import { badInput, handleError } from "../../_lib/respond";

export const dynamic = "force-dynamic";

const filter = z.object({
  server: z.string().trim().min(1).optional(),
  kind: z.enum(["full", "realtime", "targeted"], { message: "kind is full, realtime or targeted" }).optional(),
  status: z.enum(["running", "succeeded", "failed", "partial"], { message: "status is running, succeeded, failed or partial" }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** GET /api/v1/sync/runs?server=&kind=&status=&limit= — newest first. */
export async function GET(request: Request) {
  try {
    await requireApiUser();
    const parsed = filter.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) return badInput(parsed.error);
    return NextResponse.json({ items: await listRuns(sharedDatabase().sql, parsed.data), next: null });
  } catch (error) {
    return handleError(error);
  }
}
