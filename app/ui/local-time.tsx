"use client";

import { useSyncExternalStore } from "react";

/** Nothing to subscribe to: the text depends only on the browser's locale and zone, which do not change under a page. */
const unchanging = () => () => {};

/**
 * A moment in the viewer's own locale and time zone. The server renders UTC (it cannot know the viewer's
 * zone); the browser replaces it after hydration, in the same width, so nothing jumps.
 */
export function LocalTime({ at, compact = false }: { at: Date | string; compact?: boolean }) {
  const date = new Date(at);
  const text = useSyncExternalStore(
    unchanging,
    () => localText(date, compact),
    () => `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`,
  );
  return <time dateTime={date.toISOString()}>{text}</time>;
}

function localText(date: Date, compact: boolean): string {
  // Compact (for wide tables): the year only when it is not this one, and a 24-hour clock if the locale has one.
  const thisYear = date.getFullYear() === new Date().getFullYear();
  return date.toLocaleString(undefined, {
    ...(compact && thisYear ? {} : { year: "numeric" }),
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}
