import { NextResponse } from "next/server";
import { credentialsSchema } from "@/lib/auth/sessions";
import { currentUser, endSession, startSession } from "@/app/lib/session";
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
    await startSession(parsed.data);
    return new NextResponse(null, { status: 204 });
  } catch (error) {
    return handleError(error);
  }
}

export async function DELETE() {
  await endSession();
  return new NextResponse(null, { status: 204 });
}
