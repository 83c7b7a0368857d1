"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useEffect } from "react";
import { useNow } from "@/app/ui/elapsed";
import { LocalTime } from "@/app/ui/local-time";
import { TableScroll } from "@/app/ui/table-scroll";
import type { SourceView } from "@/lib/api/source-shapes";
import styles from "./sources.module.css";

type Replication = NonNullable<SourceView["replication"]>;

const count = (n: number) => n.toLocaleString("en");

/** Fast while something moves (a copy, a source down or catching up), slow when every source streams. */
const BUSY_MS = 2000;
const IDLE_MS = 10_000;
const busy = (sources: SourceView[]) => sources.some((s) => s.replication !== null && s.replication.state !== "streaming");

const BADGE: Record<Replication["state"], string> = { streaming: "ok", copying: "", "catching up": "warn", down: "err" };

/** 1,536 → "1.5 KiB": WAL behind, in the units a DBA reads it in. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString("en")} ${units[unit]}`;
}

const seconds = (s: number) => `${s < 10 ? s.toFixed(1) : Math.round(s).toLocaleString("en")} s`;

/** "45 s", "12 min", "3 h 5 min": how long a source has been down. */
export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** "down for 45 s", counted on the browser's clock; before hydration, the moment it went down. */
function DownFor({ since }: { since: string }) {
  const now = useNow();
  if (now === null) {
    return (
      <>
        down since <LocalTime at={since} compact />
      </>
    );
  }
  return <>down for {duration((now - new Date(since).getTime()) / 1000)}</>;
}

/** A replicated source's state, copy, lag and last message, in the row under the source's own. */
function ReplicationFacts({ name, r }: { name: string; r: Replication }) {
  return (
    <>
      <ul className={styles.facts} aria-label={`Replication of ${name}`}>
        <li>
          <span className={`badge ${BADGE[r.state]}`}>{r.state}</span> <span className="muted">from {r.publisher}</span>
        </li>
        {r.copy && (
          <li>
            <progress max={r.copy.tables} value={r.copy.tablesDone} aria-label={`Initial copy of ${name}`} /> {r.copy.tablesDone} of {r.copy.tables} tables,{" "}
            {count(r.copy.rowsCopied)} rows copied
          </li>
        )}
        {r.state === "down" && r.downSince && (
          <li className="field-error">
            <DownFor since={r.downSince} />
          </li>
        )}
        <li>
          lag {r.lagBytes === null ? "unknown" : bytes(r.lagBytes)}
          {r.lagSeconds !== null && `, ${seconds(r.lagSeconds)}`}
        </li>
        <li>
          {r.lastMessageAt ? (
            <>
              last message <LocalTime at={r.lastMessageAt} compact />
            </>
          ) : (
            <span className="muted">no message yet</span>
          )}
        </li>
      </ul>
      {r.problem && <p className={`alert error ${styles.problem}`}>{r.problem}</p>}
    </>
  );
}

/**
 * The sources table, a replicated source with a row of its replication under its own, kept live while the page is open: every 2 s while a replicated source copies, catches up
 * or is down, every 10 s otherwise. A server render of the page (after adding or deleting a source) replaces
 * what the table holds, so it never waits for the next poll to show that.
 */
export function SourcesTable({ initial }: { initial: SourceView[] }) {
  const client = useQueryClient();
  useEffect(() => {
    client.setQueryData(["sources"], initial);
  }, [client, initial]);
  const { data: sources, error, dataUpdatedAt } = useQuery({
    queryKey: ["sources"],
    queryFn: async (): Promise<SourceView[]> => {
      const response = await fetch("/api/v1/sources?limit=1000", { cache: "no-store" });
      if (!response.ok) throw new Error(`GET /api/v1/sources answered ${response.status}`);
      return (await response.json()).items;
    },
    initialData: initial,
    refetchInterval: (query) => (busy(query.state.data ?? []) ? BUSY_MS : IDLE_MS),
  });
  return (
    <>
      {error && (
        <p className="alert warning" role="status">
          The table could not be refreshed ({error.message}); it shows what was read at <LocalTime at={new Date(dataUpdatedAt)} compact />.
        </p>
      )}
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
              <Fragment key={s.name}>
                <tr className={s.replication ? styles.continued : undefined}>
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
                {s.replication && (
                  <tr className={styles.replication}>
                    <th scope="row">
                      <span className="visually-hidden">Replication of {s.name}</span>
                    </th>
                    <td colSpan={7}>
                      <ReplicationFacts name={s.name} r={s.replication} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </>
  );
}
