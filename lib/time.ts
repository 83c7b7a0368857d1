/**
 * Times as the console shows and filters them (issue 15, item 7): one format, the zone always named, and days
 * turned into instants in a given IANA zone. Pure functions of Intl, so the server and the browser agree.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter for `zone` (made once: a run log shows hundreds of times); UTC's when this runtime does not know the zone. */
function formatter(zone: string): Intl.DateTimeFormat {
  let made = formatters.get(zone);
  if (!made) {
    const options = { hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short" } as const;
    try {
      made = new Intl.DateTimeFormat("en-US", { ...options, timeZone: zone });
    } catch {
      made = new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
    }
    formatters.set(zone, made);
  }
  return made;
}

const parts = (date: Date, zone: string) => {
  const fields = Object.fromEntries(
    formatter(zone)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  return fields;
};

/**
 * One format for every time in the console: ISO date, 24-hour clock, and the zone named —
 * "2026-12-02 09:15:03 EST" ("… 09:15 EST" compact). The zone's short name is the runtime's (EST, GMT+1).
 */
export function formatTime(at: Date | string, zone: string, compact = false): string {
  const date = new Date(at);
  const p = parts(date, zone);
  const name = zone === "UTC" || zone === "Etc/UTC" ? "UTC" : p.timeZoneName;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}${compact ? "" : `:${p.second}`} ${name}`;
}

/**
 * The instant a day (YYYY-MM-DD) starts in `zone`, `days` later: what a date filter sends. Usually its
 * midnight; where a zone springs forward at midnight (Santiago, Havana) midnight does not exist, and the day
 * starts at the first instant that is on it.
 */
export function dayStartIn(day: string, zone: string, days = 0): Date {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, date + days);
  const target = new Date(wall).toISOString().slice(0, 10);
  // The zone's offset at that wall time, found from what the zone shows at the same instant read as UTC.
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const p = parts(new Date(guess), zone);
    const shown = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    guess = wall - (shown - guess);
  }
  // The first second on the day, within three hours of the guess (no zone moves its clock further at once).
  const onOrAfter = (at: number) => dayIn(new Date(at), zone) >= target;
  let low = guess - 3 * 3_600_000;
  let high = guess + 3 * 3_600_000;
  if (onOrAfter(low) || !onOrAfter(high)) return new Date(guess);
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (onOrAfter(middle)) high = middle;
    else low = middle;
  }
  return new Date(high);
}

/** The day (YYYY-MM-DD) an instant falls on in `zone`. */
export function dayIn(at: Date | string, zone: string): string {
  const p = parts(new Date(at), zone);
  return `${p.year}-${p.month}-${p.day}`;
}
