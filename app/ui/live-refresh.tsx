"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";

/**
 * Re-renders the server page now and then, so a server-rendered list stays live without a client copy of its
 * query: every `busyMs` while something on it is running, every `idleMs` otherwise (null: not when idle).
 * One refresh at a time (a slow render does not pile them up), and none while the tab is hidden.
 */
export function LiveRefresh({ busy, busyMs = 2000, idleMs = null }: { busy: boolean; busyMs?: number; idleMs?: number | null }) {
  const router = useRouter();
  const [refreshing, startRefresh] = useTransition();
  const [skipped, setSkipped] = useState(0); // a tick missed while hidden schedules the next
  const every = busy ? busyMs : idleMs;
  useEffect(() => {
    if (every === null || refreshing) return;
    const timer = setTimeout(() => {
      if (document.hidden) setSkipped((n) => n + 1);
      else startRefresh(() => router.refresh());
    }, every);
    return () => clearTimeout(timer);
  }, [every, refreshing, router, skipped]);
  return null;
}
