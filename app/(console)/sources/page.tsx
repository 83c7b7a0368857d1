import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { dropSlotSql } from "@/lib/api/source-deletion";
import { sourceView } from "@/lib/api/source-shapes";
import { can } from "@/lib/auth/roles";
import { listSources } from "@/lib/config/sources";
import { MAIN_SOURCE } from "@/lib/config/source-names";
import { sharedDatabase } from "@/lib/db/shared";
import { DeleteSourceForm } from "./delete-source-form";
import { NewSourceForm } from "./new-source-form";
import { SourcesTable } from "./sources-table";

export const metadata: Metadata = { title: "Sources" };
export const dynamic = "force-dynamic";

type Query = { deleted?: string | string[]; slot?: string | string[]; at?: string | string[] };

/**
 * The replication slot a forced delete left on its publisher, from the redirect's query: only a slot name of
 * the deleted source (wfm_<name>_<8 hex>, as slotNameFor makes them) and a host:port/database with no user
 * information, so a crafted link cannot make the page say anything else.
 */
function slotLeftIn(query: Query, deleted: string): { slot: string; at: string } | null {
  const { slot, at } = query;
  if (typeof slot !== "string" || typeof at !== "string") return null;
  if (!new RegExp(`^wfm_${deleted}_[0-9a-f]{8}$`).test(slot) || !/^[^\s@/]{1,255}:\d{1,5}\/[^\s@]{1,255}$/.test(at)) return null;
  return { slot, at };
}

export default async function SourcesPage({ searchParams }: { searchParams: Promise<Query> }) {
  const user = await verifySession();
  const sources = await listSources(sharedDatabase().sql);
  const query = await searchParams;
  const { deleted } = query;
  const editable = can(user, "sources.write");
  const gone = typeof deleted === "string" && /^[a-z][a-z0-9_]{0,30}$/.test(deleted) && !sources.some((s) => s.name === deleted) ? deleted : null;
  const slotLeft = gone ? slotLeftIn(query, gone) : null;
  return (
    <>
      <PageHead
        title="Sources"
        description="The Configuration Databases that feed this WFM database. Each has its own tenants, persons and change feed; each WFM Server synchronizes one of them, and names must be unique across all of them."
      />
      {gone && !slotLeft && (
        <p className="alert success" role="status">
          {gone} deleted, with its schema.
        </p>
      )}
      {gone && slotLeft && (
        <p className="alert warning" role="status">
          {gone} deleted, with its schema. Its Configuration Database at {slotLeft.at} could not be reached, so its replication slot{" "}
          <code>{slotLeft.slot}</code> is still there and keeps WAL until it is dropped: run <code>{dropSlotSql(slotLeft.slot)}</code> in that database.
        </p>
      )}
      {sources.length === 0 ? (
        <EmptyState title="No configuration source">
          <p>The source main comes with the database&apos;s migrations; run <code>npm start</code> to apply them.</p>
        </EmptyState>
      ) : (
        <SourcesTable initial={sources.map(sourceView)} />
      )}
      {editable &&
        sources.map((s) => (
          <section key={s.name} className="panel" aria-label={`${s.name} source`}>
            <h2>{s.name}</h2>
            {s.name === MAIN_SOURCE ? (
              <p className="muted">main is the Configuration Database the product started with (schema cfg); it is never deleted.</p>
            ) : (
              <DeleteSourceForm source={s.name} schema={s.schema} servers={s.servers} agents={s.counts.agents} publisher={s.replication?.publisher ?? null} />
            )}
          </section>
        ))}
      {editable && (
        <section className="panel" aria-label="Add a source">
          <h2>Add a source</h2>
          <p className="muted">
            A local source is a schema cfg_&lt;name&gt; in this database with the Configuration Database&apos;s tables and a change feed of its own. Fill it
            through the config API (<code>?source=&lt;name&gt;</code>) or <code>npm run demo -- --source &lt;name&gt;</code>. A replicated source is a
            Configuration Database in its own PostgreSQL: WFM subscribes to it, and it is written there, never here. Give either a WFM Server on the
            Servers page.
          </p>
          <NewSourceForm />
        </section>
      )}
    </>
  );
}
