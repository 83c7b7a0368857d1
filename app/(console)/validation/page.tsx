import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";

export const metadata: Metadata = { title: "Validation" };

export default async function ValidationPage() {
  await verifySession();
  return (
    <>
      <PageHead title="Validation" description="Duplicate switch, time-zone and skill names across tenants, and agents without a site." />
      <EmptyState title="Validation is not available yet">
        <p>The duplicate-name check arrives with the sync engine. Until then, nothing here is checked.</p>
      </EmptyState>
    </>
  );
}
