"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the server page now and then, so a server-rendered list stays live without a client copy of its
 * query: every `busyMs` while something on it is running, every `idleMs` otherwise (null: not when idle).
 */
export function LiveRefresh({ busy, busyMs = 2000, idleMs = null }: { busy: boolean; busyMs?: number; idleMs?: number | null }) {
  const router = useRouter();
  const every = busy ? busyMs : idleMs;
  useEffect(() => {
    if (every === null) return;
    const timer = setInterval(() => router.refresh(), every);
    return () => clearInterval(timer);
  }, [every, router]);
  return null;
}
