/**
 * A user's own console preferences: the time zone their times are shown in (issue 15, item 7). Every time in
 * the console names its zone; by default the zone is the browser's, and a user who works across sites can
 * pin one (their headquarters', or UTC) that follows them to any browser.
 */
import { z } from "zod";
import type { Sql } from "../db/client";
import { DomainError } from "../errors";
import { text } from "../input";

/** The zones this runtime knows, by IANA name (Intl's list, which leaves out the alias "UTC"). */
export const knownTimeZones = (): string[] => ["UTC", ...Intl.supportedValuesOf("timeZone").filter((zone) => zone !== "UTC")];

const isKnownZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const preferencesInput = z.object({
  // "" from a form's "The browser's" choice, null over REST: both mean no pinned zone.
  timeZone: z
    .union([z.null(), text("timeZone").trim().max(64, "timeZone is an IANA time zone name, such as Europe/Berlin")])
    .transform((zone) => zone || null)
    .refine((zone) => zone === null || isKnownZone(zone), "timeZone is an IANA time zone name, such as Europe/Berlin, or null for the browser's")
    .describe("an IANA time zone name (Europe/Berlin, UTC), or null: the browser's own"),
});

/** Sets the user's zone (null: the browser's) and answers it as stored. */
export async function setPreferences(sql: Sql, userId: number, input: z.input<typeof preferencesInput>): Promise<{ timeZone: string | null }> {
  const { timeZone } = preferencesInput.parse(input);
  // The canonical spelling ("europe/berlin" is accepted by Intl and stored as Europe/Berlin).
  const stored = timeZone === null ? null : new Intl.DateTimeFormat("en", { timeZone }).resolvedOptions().timeZone;
  const [row] = await sql<{ timeZone: string | null }[]>`
    update wfm.users set time_zone = ${stored}, updated_at = now() where id = ${userId} returning time_zone as "timeZone"`;
  if (!row) throw new DomainError("NOT_FOUND", "Your user no longer exists.");
  return row;
}
