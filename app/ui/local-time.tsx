"use client";

import { formatTime, useViewerZone } from "./viewer-zone";

/**
 * A moment, in the viewer's zone (pinned in Preferences, or the browser's) and always with the zone named.
 * With a pinned zone the server renders the same text; without, the server renders UTC and the browser its
 * own zone right after hydration, in the same width, so nothing jumps.
 */
export function LocalTime({ at, compact = false }: { at: Date | string; compact?: boolean }) {
  const { zone } = useViewerZone();
  const date = new Date(at);
  return (
    <time dateTime={date.toISOString()} title={zone}>
      {formatTime(date, zone, compact)}
    </time>
  );
}
