"use client";

import { useEffect, useState } from "react";

/**
 * A moment in the viewer's own locale and time zone. The server renders UTC (it cannot know the viewer's
 * zone); the browser replaces it after hydration, in the same width, so nothing jumps.
 */
export function LocalTime({ at }: { at: Date | string }) {
  const date = new Date(at);
  const [text, setText] = useState(() => `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`);
  useEffect(() => {
    setText(date.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" }));
  }, [date.getTime()]); // eslint-disable-line react-hooks/exhaustive-deps
  return <time dateTime={date.toISOString()}>{text}</time>;
}
