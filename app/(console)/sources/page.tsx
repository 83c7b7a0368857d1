import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { EmptyState, PageHead } from "@/app/ui/empty-state";
import { TableScroll } from "@/app/ui/table-scroll";
import { can } from "@/lib/auth/roles";
import { listSources } from "@/lib/config/sources";
import { MAIN_SOURCE } from "@/lib/config/source-names";
import { sharedDatabase } from "@/lib/db/shared";
import { DeleteSourceForm } from "./delete-source-form";
import { NewSourceForm } from "./new-source-form";

export const metadata: Metadata = { title: "Sources" };
export const dynamic = "force-dynamic";

const count = (n: number) => n.toLocaleString("en");

export default async function SourcesPage({ searchParams }: { searchParams: Promise<{ deleted?: string | string[] }> }) {
  const user = await verifySession();
  const sources = await listSources(sharedDatabase().sql);
  const { deleted } = await searchParams;
  const editable = can(user, "sources.write");
  return (
    <>
      <PageHead
        title="Sources"
        description="The Configuration Databases that feed this WFM database. Each has its own tenants, persons and change feed; each WFM Server synchronizes one of them, and names must be unique across all of them."
      />
      {typeof deleted === "string" && !sources.some((s) => s.name === deleted) && (
        <p className="alert success" role="status">
          {deleted} deleted, with its schema.
        </p>
      )}
      {sources.length === 0 ? (
        <EmptyState title="No configuration source">
          <p>The source main comes with the database&apos;s migrations; run <code>npm start</code> to apply them.</p>
        </EmptyState>
      ) : (
        <TableScroll label="Sources">
          <table className="data">
            <caption className="visually-hidden">Sources</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Schema</th>
                <th scope="col" className="num">Feed position</th>
                <th scope="col" className="num">Tenants</th>
                <th scope="col" className="num">Persons</th>
                <th scope="col" className="num">Agents</th>
                <th scope="col">Servers</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((s) => (
                <tr key={s.name}>
                  <th scope="row">{s.name}</th>
                  <td>{s.kind}</td>
                  <td>
                    <code>{s.schema}</code>
                  </td>
                  <td className="num">{count(s.feedSeq)}</td>
                  <td className="num">{count(s.counts.tenants)}</td>
                  <td className="num">{count(s.counts.persons)}</td>
                  <td className="num">{count(s.counts.agents)}</td>
                  <td>{s.servers.length === 0 ? <span className="muted">none</span> : s.servers.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {editable &&
        sources.map((s) => (
          <section key={s.name} className="panel" aria-label={`${s.name} source`}>
            <h2>{s.name}</h2>
            {s.name === MAIN_SOURCE ? (
              <p className="muted">main is the Configuration Database the product started with (schema cfg); it is never deleted.</p>
            ) : (
              <DeleteSourceForm source={s.name} schema={s.schema} servers={s.servers} agents={s.counts.agents} />
            )}
          </section>
        ))}
      {editable && (
        <section className="panel" aria-label="Add a local source">
          <h2>Add a local source</h2>
          <p className="muted">
            A local source is a schema cfg_&lt;name&gt; in this database with the Configuration Database&apos;s tables and a change feed of its
            own. Fill it through the config API (<code>?source=&lt;name&gt;</code>) or <code>npm run demo -- --source &lt;name&gt;</code>, and
            give it a WFM Server on the Servers page.
          </p>
          <NewSourceForm />
        </section>
      )}
    </>
  );
}
