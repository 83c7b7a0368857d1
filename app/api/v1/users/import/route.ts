import { NextResponse } from "next/server";
import { importUsers, importUsersInput } from "@/lib/console/users";
import { sharedDatabase } from "@/lib/db/shared";
import { bodyOf } from "../../_lib/respond";
import { writeRoute } from "../../_lib/write-route";

export const dynamic = "force-dynamic";

/** POST /api/v1/users/import {"cfgDbids": [...], "role", "source"?} — the REST twin of Users > Import; persons of that source (default main). */
export const POST = writeRoute<Record<string, never>>("users.write", async ({ request }) => {
  const input = importUsersInput.strict().parse(await bodyOf(request));
  return NextResponse.json(await importUsers(sharedDatabase().sql, input), { status: 201 });
});
