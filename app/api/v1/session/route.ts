import { NextResponse } from "next/server";
import { credentialsSchema } from "@/lib/auth/sessions";
import { apiCaller, endSession, startSession } from "@/app/lib/session";
import { preferencesInput, setPreferences } from "@/lib/console/preferences";
import { sharedDatabase } from "@/lib/db/shared";
import { handleError, bodyOf, sameOrigin } from "../_lib/respond";
import { writeRoute } from "../_lib/write-route";

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

/** Changes the caller's own preferences (the time zone the console shows their times in). */
export const PATCH = writeRoute("self.preferences", async ({ request, user }) => {
  const preferences = await setPreferences(sharedDatabase().sql, user.id, preferencesInput.strict().parse(await bodyOf(request)));
  return NextResponse.json({ user: { ...user, ...preferences } });
});
