import { NextResponse } from "next/server";
import { credentialsSchema } from "@/lib/auth/sessions";
import { apiCaller, endSession, startSession } from "@/app/lib/session";
import { handleError, bodyOf, sameOrigin } from "../_lib/respond";

export const dynamic = "force-dynamic";

/** Who the caller is (session cookie or bearer token), so API clients can check their credentials. */
export async function GET() {
  try {
    return NextResponse.json({ user: (await apiCaller()).user });
  } catch (error) {
    return handleError(error);
  }
}

export async function POST(request: Request) {
  // Login CSRF: a cross-site post must not sign the victim's browser in (as the attacker, say).
  const refused = sameOrigin(request);
  if (refused) return refused;
  try {
    await startSession(credentialsSchema.parse(await bodyOf(request)));
    return new NextResponse(null, { status: 204 });
  } catch (error) {
    return handleError(error);
  }
}

export async function DELETE(request: Request) {
  // Signing someone out from another site is a (small) cross-site write too.
  const refused = sameOrigin(request);
  if (refused) return refused;
  await endSession();
  return new NextResponse(null, { status: 204 });
}
