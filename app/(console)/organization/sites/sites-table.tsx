"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { SortHeader, type SortDirection } from "@/app/ui/sort-header";
import type { SiteRow } from "@/lib/console/overview";
import { effectiveServer, type ServerState } from "@/lib/console/effective-server";
import { FormStatus } from "@/app/ui/form-status";
import { submitWithoutReset } from "@/app/ui/submit-without-reset";
import { useFormAction } from "@/app/ui/use-form-action";
import { assignSelectedSitesAction } from "./actions";
import { SiteServerForm } from "./site-server-form";
import { SubmitButton } from "@/app/ui/submit-button";
import { TableScroll } from "@/app/ui/table-scroll";

/**
 * The sites with their server. Administrators assign inline, or select several sites and assign them all at
 * once; the check boxes belong to the bulk form (form="bulk-assign"), so it works without JavaScript too.
 */
export function SitesTable({
  sites: unsorted,
  servers,
  editable,
  sort,
  dir,
  manySources = false,
}: {
  sites: SiteRow[];
  servers: ServerState[];
  editable: boolean;
  sort: string;
  dir: SortDirection;
  /** More than one configuration source exists: each switch is said with its source. */
  manySources?: boolean;
}) {
  const sites = useMemo(() => sortSites(unsorted, servers, sort, dir), [unsorted, servers, sort, dir]);
  const sortUrl = (column: string, direction: SortDirection) =>
    column === "name" && direction === "asc" ? "/organization/sites" : `/organization/sites?${new URLSearchParams({ sort: column, dir: direction })}`;
  const header = (label: string, column: string, className?: string, firstDir: SortDirection = "asc") => (
    <SortHeader label={label} column={column} sort={sort} dir={dir} href={sortUrl} className={className} firstDir={firstDir} />
  );
  const [chosen, setSelected] = useState<Set<number>>(new Set());
  // Only sites still listed count as selected (one deleted meanwhile drops out).
  const selected = new Set(sites.filter((s) => chosen.has(s.id)).map((s) => s.id));
  const [state, action, pending] = useFormAction(assignSelectedSitesAction);
  const [bulkServer, setBulkServer] = useState("");
  const all = sites.length > 0 && selected.size === sites.length;
  const toggle = (id: number, on: boolean) =>
    setSelected(() => {
      const next = new Set(selected);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <>
      {editable && (
        <form
          id="bulk-assign"
          action={action}
          // Keeps the selection and the chosen server after saving (React would reset the form).
          onSubmit={submitWithoutReset(action)}
          className="bulk-bar"
          aria-label="Assign selected sites"
        >
          <span className="muted" aria-live="polite">
            {selected.size === 0 ? "Select sites to assign several at once." : `${selected.size} selected`}
          </span>
          <label htmlFor="bulk-server">Assign selected to</label>
          <select
            id="bulk-server"
            name="server"
            value={bulkServer}
            onChange={(e) => setBulkServer(e.target.value)}
            {...(state.fieldErrors.server ? { "aria-invalid": true, "aria-describedby": "bulk-assign-status" } : {})}
          >
            <option value="">— not assigned —</option>
            {servers.map(({ name }) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <SubmitButton className="button small" pending={pending} blocked={selected.size === 0}>
            {pending ? "Assigning…" : "Assign"}
          </SubmitButton>
          <FormStatus state={state} id="bulk-assign-status" />
        </form>
      )}
      <TableScroll label="Sites">
        <table className="data">
          <caption className="visually-hidden">Sites</caption>
          <thead>
            <tr>
              {editable && (
                <th scope="col" className="select">
                  <input
                    type="checkbox"
                    aria-label="Select all sites"
                    checked={all}
                    onChange={(e) => setSelected(e.target.checked ? new Set(sites.map((s) => s.id)) : new Set())}
                  />
                </th>
              )}
              {header("Site", "name")}
              {header("Time zone", "timeZone")}
              {header("Switch", "switch")}
              {header("WFM Server", "server")}
              {header("Synchronized by", "effective")}
              {header("Agents", "agents", "num", "desc")}
            </tr>
          </thead>
          <tbody>
            {sites.map((site) => (
              <tr key={site.id} aria-selected={editable ? selected.has(site.id) : undefined}>
                {editable && (
                  <td className="select">
                    <input
                      type="checkbox"
                      form="bulk-assign"
                      name="siteIds"
                      value={site.id}
                      aria-label={`Select ${site.name}`}
                      checked={selected.has(site.id)}
                      onChange={(e) => toggle(site.id, e.target.checked)}
                    />
                  </td>
                )}
                <td>{editable ? <Link href={`/organization/sites/${site.id}`}>{site.name}</Link> : site.name}</td>
                <td className="nowrap">{site.timeZone}</td>
                <td className="nowrap">
                  {site.switchName ?? (site.switchDbid ? `switch ${site.switchDbid} (not in source ${site.switchSource})` : <span className="badge">none</span>)}
                  {manySources && site.switchSource && <span className="muted"> ({site.switchSource})</span>}
                </td>
                <td>
                  {editable ? (
                    <SiteServerForm siteId={site.id} siteName={site.name} server={site.server} servers={servers} switchSource={site.switchSource} />
                  ) : (
                    (site.server ?? <span className="badge">not assigned</span>)
                  )}
                </td>
                <EffectiveServerCell effective={effectiveServer(site.server, servers, site.switchSource)} />
                <td className="num">{site.agentCount.toLocaleString("en")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}

/** The sites in the order the header asks; ties by name. Missing values (no switch, no server) sort last. */
function sortSites(sites: SiteRow[], servers: ServerState[], sort: string, dir: SortDirection): SiteRow[] {
  const key = (site: SiteRow): string | number | null => {
    switch (sort) {
      case "timeZone":
        return site.timeZone;
      case "switch":
        return site.switchName ?? null;
      case "server":
        return site.server ?? null;
      case "effective":
        return effectiveServer(site.server, servers, site.switchSource).server ?? null;
      case "agents":
        return site.agentCount;
      default:
        return site.name;
    }
  };
  const byName = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  const sign = dir === "asc" ? 1 : -1;
  return [...sites].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    if (x === null || y === null) return x === y ? byName.compare(a.name, b.name) : x === null ? 1 : -1;
    const order = typeof x === "number" && typeof y === "number" ? x - y : byName.compare(String(x), String(y));
    return order !== 0 ? sign * order : byName.compare(a.name, b.name);
  });
}

/** Who synchronizes the site's agents, so nobody has to work it out from levels and assignments. */
function EffectiveServerCell({ effective }: { effective: ReturnType<typeof effectiveServer> }) {
  return (
    <td>
      {effective.server === null ? <span className="badge">none</span> : effective.label}
      {effective.warning && <span className="badge warn">{effective.warning}</span>}
    </td>
  );
}
