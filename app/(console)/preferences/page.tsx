import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { PageHead } from "@/app/ui/empty-state";
import { knownTimeZones } from "@/lib/console/preferences";
import { PreferencesForm } from "./preferences-form";

export const metadata: Metadata = { title: "Preferences" };
export const dynamic = "force-dynamic";

export default async function PreferencesPage() {
  const user = await verifySession();
  return (
    <>
      <PageHead title="Preferences" description={`Your own settings, ${user.username}: they follow you to any browser you sign in from.`} />
      <section className="panel">
        <PreferencesForm timeZone={user.timeZone} zones={knownTimeZones()} />
      </section>
    </>
  );
}
