"use client";

import { useNow } from "./elapsed";
import { formatTime } from "./viewer-zone";

/** A site's time zone, and the time it is there now (from the browser's clock, once the page is live). */
export function SiteClock({ name, ianaName }: { name: string; ianaName: string }) {
  const now = useNow();
  return (
    <span>
      {name} ({ianaName}){now !== null && <span className="muted"> — now {formatTime(new Date(now), ianaName, true)}</span>}
    </span>
  );
}
