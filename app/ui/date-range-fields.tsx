"use client";

import { useState } from "react";
import { dayIn, dayStartIn, useViewerZone } from "./viewer-zone";

/**
 * From and To days for a GET filter form, in the viewer's zone (pinned, or the browser's): the form sends
 * `from` (the start of the first day) and `to` (the end of the last, exclusive) as instants, so the server
 * never guesses a zone.
 */
export function DateRangeFields({ from, to }: { from?: string; to?: string }) {
  const { zone } = useViewerZone();
  const [edited, setEdited] = useState<{ from?: string; to?: string }>({});
  const fromDay = edited.from ?? (from ? dayIn(from, zone) : "");
  // `to` is exclusive: the last day shown is the day before it.
  const toDay = edited.to ?? (to ? dayIn(new Date(new Date(to).getTime() - 1), zone) : "");
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
      <span id="date-range-zone" className="muted small">
        days in {zone}
      </span>
      {fromDay && <input type="hidden" name="from" value={dayStartIn(fromDay, zone).toISOString()} />}
      {toDay && <input type="hidden" name="to" value={dayStartIn(toDay, zone, 1).toISOString()} />}
    </>
  );
}
