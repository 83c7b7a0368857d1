import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { verifySession } from "@/app/lib/session";
import { PageHead } from "@/app/ui/empty-state";
import { can } from "@/lib/auth/roles";
import { getSite } from "@/lib/console/overview";
import { listServerNames } from "@/lib/console/servers";
import { listFreeSwitches } from "@/lib/console/switches";
import { listTimeZoneNames } from "@/lib/console/time-zones";
import { sharedDatabase } from "@/lib/db/shared";
import { DomainError } from "@/lib/errors";
import { idText, INT_ID_MAX } from "@/lib/input";
import { AuditHistory } from "../../../audit/audit-history";
import { DeleteSiteForm } from "../delete-site-form";
import { SiteForm } from "../site-form";

export const metadata: Metadata = { title: "Edit site" };
export const dynamic = "force-dynamic";

export default async function EditSitePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await verifySession();
  const parsed = idText("id", INT_ID_MAX).safeParse((await params).id);
  if (!parsed.success) notFound();
  const id = parsed.data;
  const { sql } = sharedDatabase();
  const site = await getSite(sql, id).catch((error: unknown) => {
    if (error instanceof DomainError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const editable = can(user, "sites.write");
  const [zones, switches, servers] = await Promise.all([
    listTimeZoneNames(sql),
    // Switches without a site, and this site's own.
    listFreeSwitches(sql, id),
    listServerNames(sql),
  ]);
  return (
    <>
      <p>
        <Link href="/organization/sites">← Sites</Link>
      </p>
      <PageHead
        title={site.name}
        description={`${site.agentCount.toLocaleString("en")} agents · ${site.server ? `synchronized by ${site.server}` : "not assigned to a WFM Server"}`}
      />
      {editable ? (
        <>
          <section className="panel" aria-labelledby="edit-site-heading">
            <h2 id="edit-site-heading">Edit site</h2>
            <p className="muted">
              Changing the switch decides where new agents on it land; agents already here stay (sync never moves an agent between sites).
            </p>
            <SiteForm
              site={site}
              timeZones={zones}
              switches={
                // A switch deleted from cfg stays the site's until changed: offer it, so saving a rename keeps it.
                site.switchDbid !== null && !switches.some((s) => s.source === site.switchSource && s.dbid === site.switchDbid)
                  ? [...switches, { source: site.switchSource ?? "main", dbid: site.switchDbid, name: `switch ${site.switchDbid} (not in source ${site.switchSource})` }]
                  : [...switches]
              }
              servers={servers}
            />
          </section>
          <section className="panel" aria-labelledby="delete-site-heading">
            <h2 id="delete-site-heading">Delete site</h2>
            <DeleteSiteForm siteId={site.id} siteName={site.name} agentCount={site.agentCount} />
          </section>
        </>
      ) : (
        <p className="muted">Only administrators can change sites.</p>
      )}
      <AuditHistory objectType="site" objectKey={site.id} />
    </>
  );
}
