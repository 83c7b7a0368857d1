import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { totals } from "@/lib/console/overview";
import { sharedDatabase } from "@/lib/db/shared";

export const metadata: Metadata = { title: "Sync history" };

export default async function SyncHistoryPage() {
  await verifySession();
  const t = await totals(sharedDatabase().sql);
  return (
    <>
      <PageHead title="Sync history" description="Every full, real-time and targeted synchronization run, with its log." />
      {t.runs === 0 ? (
        <EmptyState title="No synchronization has run yet">
          <p>Runs appear here as soon as a WFM Server starts synchronizing.</p>
        </EmptyState>
      ) : (
        <p>{t.runs.toLocaleString()} runs recorded.</p>
      )}
    </>
  );
}
