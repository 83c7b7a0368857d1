"use client";

import { useSyncExternalStore } from "react";
import { formatTime, useViewerZone } from "./viewer-zone";

/**
 * The browser's clock, ticking every second, for texts that say how long ago something was. The server has no
 * "now" the browser will agree with, so it renders `fallback`, and so does hydration (the server snapshot is
 * null): no mismatch (React's #418) whatever the two clocks say; the live text follows right after.
 */
const subscribe = (tick: () => void) => {
  const timer = setInterval(tick, 1000);
  return () => clearInterval(timer);
};
// Whole seconds, so the snapshot is stable between ticks (React compares snapshots).
const now = () => Math.floor(Date.now() / 1000) * 1000;

export function useNow(): number | null {
  return useSyncExternalStore(subscribe, now, () => null);
}

/** "12 s ago" from the browser's clock; the moment itself, in the viewer's zone and named, until the page is live. */
export function SecondsAgo({ at }: { at: Date | string }) {
  const current = useNow();
  const { zone } = useViewerZone();
  const date = new Date(at);
  return (
    <time dateTime={date.toISOString()} title={formatTime(date, zone)}>
      {current === null ? `at ${formatTime(date, zone)}` : `${Math.max(0, Math.round((current - date.getTime()) / 1000))} s ago`}
    </time>
  );
}
