import { describe, expect, it } from "vitest";
import { createClient } from "./db/client";
import { freePort } from "./db/ports";
import { terminationInput } from "./console/agents";
import { toDomainError } from "./errors";
import { nameText, serverName } from "./input";

describe("names read as they are stored", () => {
  const name = nameText("The skill's name");

  it("refuses bidi overrides, zero-width spaces, the BOM and control characters, naming the character", () => {
    expect(name.safeParse("Sa\u202Eles").error?.issues[0]?.message).toBe(
      "The skill's name contains an invisible or control character (U+202E); names must read exactly as they are stored",
    );
    for (const bad of ["\u200BSales", "Sales\u2066", "\uFEFFSales", "Sa\u0007les", "Sales\u200E"]) expect(name.safeParse(bad).success).toBe(false);
  });

  it("keeps ordinary names in every script, with the joiners Persian names and emoji need", () => {
    for (const good of ["Sales", "Ventes — Québec", "می‌خواهم", "👩‍💻 Support", "Überstunden"]) expect(name.safeParse(good).data).toBe(good);
  });
});

describe("a server's name is one rule wherever it is given", () => {
  it("refuses a trailing space and a NUL rather than trimming in one place and not another", () => {
    expect(serverName.safeParse("Branch ").success).toBe(false);
    expect(serverName.safeParse("\u0000").success).toBe(false);
    expect(serverName.safeParse("Branch").data).toBe("Branch");
  });
});

describe("termination dates", () => {
  it("are at most ten years ahead: 9999-12-31 is a stand-in for 'never', not a date", () => {
    const result = terminationInput.safeParse({ terminationDate: "9999-12-31" });
    expect(result.error?.issues[0]?.message).toMatch(/^a termination date is at most 10 years ahead \(\d{4}-\d{2}-\d{2} at the latest\)$/);
    expect(terminationInput.safeParse({ terminationDate: "31/12/2026" }).error?.issues.map((i) => i.message)).toEqual(["a termination date is a date, YYYY-MM-DD"]);
    const nextYear = `${new Date().getUTCFullYear() + 1}-06-30`;
    expect(terminationInput.parse({ terminationDate: nextYear }).terminationDate).toBe(nextYear);
  });
});

describe("a database that cannot be reached", () => {
  it("is a 'try again' for the caller (503), not a bug, and its text names no internals", async () => {
    const nobody = createClient(`postgres://x:y@127.0.0.1:${await freePort()}/wfm`, { max: 1 });
    const error = await nobody.sql`select 1`.catch((e: unknown) => e);
    await nobody.close();
    expect(toDomainError(error)).toMatchObject({ code: "UNAVAILABLE", message: expect.stringMatching(/cannot be reached right now/) });
  });

  it("a value PostgreSQL refuses is the caller's bad input, without the database's own wording", () => {
    const refused = Object.assign(new Error('invalid input syntax for type integer: "NaN"'), { code: "22P02" });
    expect(toDomainError(refused)).toMatchObject({ code: "BAD_INPUT", message: "A value is out of range or not of the kind its field takes." });
  });
});
