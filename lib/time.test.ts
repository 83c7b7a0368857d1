/** The console's one time format, and days turned into instants in a zone — across offsets and DST changes. */
import { describe, expect, it } from "vitest";
import { dayIn, dayStartIn, formatTime } from "./time";

describe("times, as the console shows them", () => {
  it("ISO date, 24-hour clock, the zone named", () => {
    const at = new Date("2026-12-02T14:05:09Z");
    expect(formatTime(at, "UTC")).toBe("2026-12-02 14:05:09 UTC");
    expect(formatTime(at, "America/New_York")).toBe("2026-12-02 09:05:09 EST");
    expect(formatTime(at, "America/New_York", true)).toBe("2026-12-02 09:05 EST");
    expect(formatTime(at, "Europe/Berlin")).toBe("2026-12-02 15:05:09 GMT+1");
    expect(formatTime(new Date("2026-12-02T00:30:00Z"), "America/Los_Angeles")).toBe("2026-12-01 16:30:00 PST");
    expect(formatTime(new Date("2026-12-01T23:30:00Z"), "UTC")).toBe("2026-12-01 23:30:00 UTC"); // never "24:30"
    // A zone this runtime does not know is shown in UTC rather than breaking the page.
    expect(formatTime(at, "Mars/Olympus_Mons")).toBe("2026-12-02 14:05:09 UTC");
  });

  it("a day starts at the zone's midnight, across DST changes and far from UTC", () => {
    expect(dayStartIn("2026-12-02", "UTC").toISOString()).toBe("2026-12-02T00:00:00.000Z");
    expect(dayStartIn("2026-12-02", "America/New_York").toISOString()).toBe("2026-12-02T05:00:00.000Z");
    expect(dayStartIn("2026-07-02", "America/New_York").toISOString()).toBe("2026-07-02T04:00:00.000Z");
    // The day New York moves its clocks forward (2026-03-08) starts at midnight EST; the next at midnight EDT.
    expect(dayStartIn("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(dayStartIn("2026-03-08", "America/New_York", 1).toISOString()).toBe("2026-03-09T04:00:00.000Z");
    expect(dayStartIn("2026-12-31", "Pacific/Kiritimati", 1).toISOString()).toBe("2026-12-31T10:00:00.000Z");
    expect(dayStartIn("2026-12-02", "Asia/Kolkata").toISOString()).toBe("2026-12-01T18:30:00.000Z");
    // Santiago and Havana spring forward at midnight: those days start at 01:00.
    expect(dayStartIn("2026-09-06", "America/Santiago").toISOString()).toBe("2026-09-06T04:00:00.000Z");
    expect(dayStartIn("2026-03-08", "America/Havana").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(dayIn(dayStartIn("2026-09-06", "America/Santiago"), "America/Santiago")).toBe("2026-09-06");
    expect(dayIn(new Date(dayStartIn("2026-09-06", "America/Santiago").getTime() - 1000), "America/Santiago")).toBe("2026-09-05");
  });

  it("the day an instant falls on in a zone", () => {
    expect(dayIn("2026-12-02T03:00:00Z", "UTC")).toBe("2026-12-02");
    expect(dayIn("2026-12-02T03:00:00Z", "America/Chicago")).toBe("2026-12-01");
    for (const zone of ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati"]) expect(dayIn(dayStartIn("2026-06-15", zone), zone)).toBe("2026-06-15");
  });
});
