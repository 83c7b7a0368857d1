import { NextResponse } from "next/server";
import { requireApiUser } from "@/app/lib/session";
import { authorize } from "@/lib/auth/roles";
import { importUsers, importUsersInput } from "@/lib/console/users";
import { sharedDatabase } from "@/lib/db/shared";
import { badInput, handleError, readJson, sameOrigin } from "../../_lib/respond";

export const dynamic = "force-dynamic";

/** POST /api/v1/users/import {"cfgDbids": [...], "role"} — the REST twin of Users > Import. */
export async function POST(request: Request) {
  try {
    const user = await requireApiUser();
    const refused = sameOrigin(request);
    if (refused) return refused;
    authorize(user, "users.write");
    const read = await readJson(request);
    if (!read.ok) return read.response;
    const parsed = importUsersInput.strict().safeParse(read.body);
    if (!parsed.success) return badInput(parsed.error);
    return NextResponse.json(await importUsers(sharedDatabase().sql, parsed.data), { status: 201 });
  } catch (error) {
    return handleError(error);
  }
}
