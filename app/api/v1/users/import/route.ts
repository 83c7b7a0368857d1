import { NextResponse } from "next/server";
import { importUsers, importUsersInput } from "@/lib/console/users";
import { sharedDatabase } from "@/lib/db/shared";
import { badInput, readJson } from "../../_lib/respond";
import { writeRoute } from "../../_lib/write-route";

export const dynamic = "force-dynamic";

/** POST /api/v1/users/import {"cfgDbids": [...], "role"} — the REST twin of Users > Import. */
export const POST = writeRoute<Record<string, never>>("users.write", async ({ request }) => {
  const read = await readJson(request);
  if (!read.ok) return read.response;
  const parsed = importUsersInput.strict().safeParse(read.body);
  if (!parsed.success) return badInput(parsed.error);
  return NextResponse.json(await importUsers(sharedDatabase().sql, parsed.data), { status: 201 });
});
