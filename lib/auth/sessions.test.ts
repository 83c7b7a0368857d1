import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../testing/database";
import type { Database } from "../db/client";
import { DomainError } from "../errors";
import { ensureAdmin } from "./bootstrap";
import { hashPassword } from "./password";
import { signIn, signOut, userForSession } from "./sessions";

const HERE = "192.0.2.1";
let database: Database;
beforeAll(async () => {
  database = await freshDatabase();
  await database.sql`insert into wfm.users (username, first_name, last_name, role, password_hash)
                     values ('sam', 'Sam', 'Supervisor', 'supervisor', ${await hashPassword("correct horse")})`;
});

const sessionCount = async () => (await database.sql`select count(*)::int as n from wfm.sessions`)[0]!.n as number;

describe("sign-in", () => {
  it("refuses a wrong password with a clear message and opens no session", async () => {
    const before = await sessionCount();
    const error = await signIn(database.sql, { username: "sam", password: "wrong" }, HERE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("INVALID_CREDENTIALS");
    expect((error as DomainError).message).toBe("The user name or password is not correct.");
    expect(await sessionCount()).toBe(before);
  });

  it("refuses an unknown user with the same message as a wrong password", async () => {
    await expect(signIn(database.sql, { username: "nobody", password: "x" }, HERE)).rejects.toThrow("The user name or password is not correct.");
  });

  it("opens a session for the right password that identifies the user until sign-out", async () => {
    const session = await signIn(database.sql, { username: "SAM", password: "correct horse" }, HERE);
    expect(session.user).toMatchObject({ username: "sam", role: "supervisor" });
    expect(await userForSession(database.sql, session.token)).toMatchObject({ username: "sam", role: "supervisor" });
    // Only a hash of the token is stored.
    const stored = await database.sql`select token_hash from wfm.sessions`;
    expect(stored.map((r) => r.token_hash)).not.toContain(session.token);
    await signOut(database.sql, session.token);
    expect(await userForSession(database.sql, session.token)).toBeNull();
  });

  it("does not accept an expired session or a made-up token", async () => {
    const session = await signIn(database.sql, { username: "sam", password: "correct horse" }, HERE);
    await database.sql`update wfm.sessions set expires_at = now() - interval '1 second'`;
    expect(await userForSession(database.sql, session.token)).toBeNull();
    expect(await userForSession(database.sql, "made-up")).toBeNull();
    expect(await userForSession(database.sql, undefined)).toBeNull();
  });
});

describe("the first admin", () => {
  it("is created once with the given password, and never again", async () => {
    const db = await freshDatabase({ max: 2 });
    const first = await ensureAdmin(db.sql, "given-password");
    expect(first).toEqual({ created: true, password: "given-password" });
    const session = await signIn(db.sql, { username: "admin", password: "given-password" }, HERE);
    expect(session.user.role).toBe("admin");
    expect(await ensureAdmin(db.sql, "other")).toEqual({ created: false });
    await expect(signIn(db.sql, { username: "admin", password: "other" }, HERE)).rejects.toThrow();
  });

  it("gets a generated password of 20 characters when none is given", async () => {
    const db = await freshDatabase({ max: 2 });
    const result = await ensureAdmin(db.sql);
    expect(result.created).toBe(true);
    expect(result.password).toMatch(/^[A-Za-z0-9]{20}$/);
    await expect(signIn(db.sql, { username: "admin", password: result.password! }, HERE)).resolves.toMatchObject({ user: { username: "admin", role: "admin" } });
  });
});

describe("sign-in attempts", () => {
  const guess = (username: string, password: string, address = "203.0.113.66") =>
    signIn(database.sql, { username, password }, address).then(
      () => "signed in",
      (e: DomainError) => e.code,
    );

  it("after five failures refuse that user name from that address for a while, even with the right password — and only there", async () => {
    const { sql } = database;
    await sql`insert into wfm.users (username, role, password_hash) values ('guessme', 'viewer', ${await hashPassword("the-right-password")})`;
    for (let i = 0; i < 5; i++) expect(await guess("guessme", `wrong-${i}`)).toBe("INVALID_CREDENTIALS");
    await expect(signIn(sql, { username: "GuessMe", password: "the-right-password" }, "203.0.113.66")).rejects.toMatchObject({
      code: "TOO_MANY_ATTEMPTS",
      message: "Too many failed sign-ins for this user name from this address. Try again in 30 seconds.",
      details: { retryAfterSeconds: 30 },
    });
    // The real user, from their own address, is not locked out by a stranger's guesses.
    expect(await guess("guessme", "the-right-password", "198.51.100.7")).toBe("signed in");
    expect(await guess("someone-else", "x")).toBe("INVALID_CREDENTIALS");
  });

  it("each failure past the free ones doubles the wait, and a success forgets them", async () => {
    const { sql } = database;
    await sql`insert into wfm.users (username, role, password_hash) values ('doubling', 'viewer', ${await hashPassword("pw-doubling")})`;
    const waits: number[] = [];
    for (let i = 0; i < 11; i++) {
      const outcome = await guess("doubling", "wrong", "203.0.113.9");
      if (outcome === "TOO_MANY_ATTEMPTS") {
        const [{ seconds }] = (await sql`
          select ceil(extract(epoch from blocked_until - now()))::int as seconds from wfm.sign_in_failures
           where username = 'doubling' and address = '203.0.113.9'`) as unknown as [{ seconds: number }];
        waits.push(seconds);
        // The wait is over: the next guess is checked (and fails), and the block after it is twice as long.
        await sql`update wfm.sign_in_failures set blocked_until = now() - interval '1 second' where username = 'doubling'`;
      }
    }
    expect(waits.slice(0, 3)).toEqual([30, 60, 120]);
    await sql`update wfm.sign_in_failures set blocked_until = null where username = 'doubling'`;
    expect(await guess("doubling", "pw-doubling", "203.0.113.9")).toBe("signed in");
    expect(await sql`select 1 from wfm.sign_in_failures where username = 'doubling'`).toHaveLength(0);
  });

  it("thirty concurrent guesses check at most five passwords, across console processes (one shared store)", async () => {
    const { sql } = database;
    await sql`insert into wfm.users (username, role, password_hash) values ('burst', 'viewer', ${await hashPassword("pw-burst")})`;
    // Two clients on the same database stand for two console processes.
    const other = await freshDatabaseClient();
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? signIn(other, { username: "burst", password: `w${i}` }, "203.0.113.30") : signIn(sql, { username: "burst", password: `w${i}` }, "203.0.113.30")).then(
        () => "signed in",
        (e: DomainError) => e.code,
      )),
    );
    expect(outcomes.filter((o) => o === "INVALID_CREDENTIALS")).toHaveLength(5);
    expect(outcomes.filter((o) => o === "TOO_MANY_ATTEMPTS")).toHaveLength(25);
  });
});

async function freshDatabaseClient() {
  const { createClient } = await import("../db/client");
  const client = createClient(database.url, { max: 5 });
  afterAll(() => client.close());
  return client.sql;
}
