import { cookies } from "next/headers";
import { NextResponse } from "next/server";
import { credentialsSchema, SESSION_COOKIE, signIn, signOut } from "@/lib/auth/sessions";
import { sharedDatabase } from "@/lib/db/shared";
import { currentUser } from "@/app/lib/session";
import { badInput, errorResponse, handleError, readJson } from "../_lib/respond";

export const dynamic = "force-dynamic";

/** The signed-in user, so API clients can check their session. */
export async function GET() {
  const user = await currentUser();
  if (!user) return errorResponse("UNAUTHENTICATED", "Sign in first: POST /api/v1/session with your user name and password.");
  return NextResponse.json({ user });
}

export async function POST(request: Request) {
  const read = await readJson(request);
  if (!read.ok) return read.response;
  const parsed = credentialsSchema.safeParse(read.body);
  if (!parsed.success) return badInput(parsed.error);
  try {
    const session = await signIn(sharedDatabase().sql, parsed.data);
    (await cookies()).set(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: "lax",
      secure: process.env.WFM_SECURE_COOKIES === "1",
      path: "/",
      expires: session.expiresAt,
    });
    return new NextResponse(null, { status: 204 });
  } catch (error) {
    return handleError(error);
  }
}

export async function DELETE() {
  const jar = await cookies();
  await signOut(sharedDatabase().sql, jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  return new NextResponse(null, { status: 204 });
}
