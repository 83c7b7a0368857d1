"use client";

import { useState, useSyncExternalStore } from "react";

const unchanging = () => () => {};

/** The viewer's local day of an instant, YYYY-MM-DD. */
function localDay(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The instant a local day starts, `days` later, as ISO (what the query string and the API take). */
function dayStart(day: string, days = 0): string {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return new Date(year, month - 1, date + days).toISOString();
}

/**
 * From and To days for a GET filter form, in the viewer's own time zone: the form sends `from` (the start of
 * the first day) and `to` (the end of the last, exclusive) as instants, so the server never guesses a zone.
 * The days shown are worked out in the browser once hydrated (the server does not know the zone).
 */
export function DateRangeFields({ from, to }: { from?: string; to?: string }) {
  const inBrowser = useSyncExternalStore(unchanging, () => true, () => false);
  const [edited, setEdited] = useState<{ from?: string; to?: string }>({});
  const fromDay = edited.from ?? (inBrowser ? localDay(from) : "");
  // `to` is exclusive: the last day shown is the day before it.
  const toDay = edited.to ?? (inBrowser && to ? localDay(new Date(new Date(to).getTime() - 1).toISOString()) : "");
  const zone = typeof Intl === "undefined" ? "" : Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <>
      <label>
        From
        <input type="date" value={fromDay} max={toDay || undefined} onChange={(e) => setEdited({ ...edited, from: e.target.value })} aria-describedby="date-range-zone" />
      </label>
      <label>
        To
        <input type="date" value={toDay} min={fromDay || undefined} onChange={(e) => setEdited({ ...edited, to: e.target.value })} aria-describedby="date-range-zone" />
      </label>
      <span id="date-range-zone" className="muted small" suppressHydrationWarning>
        days in {zone || "your time zone"}
      </span>
      {fromDay && <input type="hidden" name="from" value={dayStart(fromDay)} />}
      {toDay && <input type="hidden" name="to" value={dayStart(toDay, 1)} />}
    </>
  );
}
