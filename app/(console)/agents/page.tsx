import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { totals } from "@/lib/console/overview";
import { sharedDatabase } from "@/lib/db/shared";

export const metadata: Metadata = { title: "Agents" };

export default async function AgentsPage() {
  await verifySession();
  const t = await totals(sharedDatabase().sql);
  return (
    <>
      <PageHead title="Agents" description="Agents synchronized from the Configuration Database." />
      <div className="grid-stats">
        <Stat label="Agents in WFM" value={t.agents} />
        <Stat label="Agents in the Configuration Database" value={t.cfgPersons} />
        <Stat label="Terminated" value={t.terminated} />
        <Stat label="Without a site" value={t.unassigned} />
      </div>
      {t.agents === 0 && (
        <EmptyState title="No agents synchronized yet">
          <p>Agents arrive with a WFM Server's first full synchronization. Check the Servers page to see whether one is running.</p>
        </EmptyState>
      )}
    </>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="stat">
      <div className="label">{label}</div>
      <div className="value">{value.toLocaleString()}</div>
    </div>
  );
}
