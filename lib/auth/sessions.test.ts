import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../testing/database";
import type { Database } from "../db/client";
import { DomainError } from "../errors";
import { ensureAdmin } from "./bootstrap";
import { hashPassword } from "./password";
import { signIn, signOut, userForSession } from "./sessions";

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
    const error = await signIn(database.sql, { username: "sam", password: "wrong" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("INVALID_CREDENTIALS");
    expect((error as DomainError).message).toBe("The user name or password is not correct.");
    expect(await sessionCount()).toBe(before);
  });

  it("refuses an unknown user with the same message as a wrong password", async () => {
    await expect(signIn(database.sql, { username: "nobody", password: "x" })).rejects.toThrow("The user name or password is not correct.");
  });

  it("opens a session for the right password that identifies the user until sign-out", async () => {
    const session = await signIn(database.sql, { username: "SAM", password: "correct horse" });
    expect(session.user).toMatchObject({ username: "sam", role: "supervisor" });
    expect(await userForSession(database.sql, session.token)).toMatchObject({ username: "sam", role: "supervisor" });
    // Only a hash of the token is stored.
    const stored = await database.sql`select token_hash from wfm.sessions`;
    expect(stored.map((r) => r.token_hash)).not.toContain(session.token);
    await signOut(database.sql, session.token);
    expect(await userForSession(database.sql, session.token)).toBeNull();
  });

  it("does not accept an expired session or a made-up token", async () => {
    const session = await signIn(database.sql, { username: "sam", password: "correct horse" });
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
    const session = await signIn(db.sql, { username: "admin", password: "given-password" });
    expect(session.user.role).toBe("admin");
    expect(await ensureAdmin(db.sql, "other")).toEqual({ created: false });
    await expect(signIn(db.sql, { username: "admin", password: "other" })).rejects.toThrow();
  });

  it("gets a generated password of 20 characters when none is given", async () => {
    const db = await freshDatabase({ max: 2 });
    const result = await ensureAdmin(db.sql);
    expect(result.created).toBe(true);
    expect(result.password).toMatch(/^[A-Za-z0-9]{20}$/);
    await expect(signIn(db.sql, { username: "admin", password: result.password! })).resolves.toBeTruthy();
  });
});

describe("sign-in attempts", () => {
  it("after five failures refuse that user name for a while, even with the right password, and leave others alone", async () => {
    const { sql } = database;
    await sql`insert into wfm.users (username, role, password_hash) values ('guessme', 'viewer', ${await hashPassword("the-right-password")})`;
    for (let i = 0; i < 5; i++) {
      await expect(signIn(sql, { username: "guessme", password: `wrong-${i}` })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
    }
    await expect(signIn(sql, { username: "GuessMe", password: "the-right-password" })).rejects.toMatchObject({
      code: "TOO_MANY_ATTEMPTS",
      message: expect.stringMatching(/^Too many failed sign-ins for this user name\. Try again in 1[45] minutes\.$/),
    });
    await expect(signIn(sql, { username: "someone-else", password: "x" })).rejects.toMatchObject({ code: "INVALID_CREDENTIALS" });
  });
});
