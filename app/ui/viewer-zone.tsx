"use client";

import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";

export { dayIn, dayStartIn, formatTime } from "@/lib/time";

/** The zone the signed-in user pinned (Preferences), or null: the browser's own. */
const PinnedZone = createContext<string | null>(null);

export function ViewerZoneProvider({ zone, children }: { zone: string | null; children: ReactNode }) {
  return <PinnedZone.Provider value={zone}>{children}</PinnedZone.Provider>;
}

const unchanging = () => () => {};
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The zone to show times in: the pinned one (the server renders it too), else the browser's — known only in
 * the browser, so until hydration (and on the server) it is UTC, and the page switches right after.
 */
export function useViewerZone(): { zone: string; pinned: boolean } {
  const pinned = useContext(PinnedZone);
  const browser = useSyncExternalStore(unchanging, browserZone, () => "UTC");
  return pinned ? { zone: pinned, pinned: true } : { zone: browser, pinned: false };
}
