/**
 * Console sessions. The browser's cookie holds a random token; the database keeps only its SHA-256, so a
 * leaked database does not hand out live sessions.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { text } from "../input";
import type { Sql } from "../db/client";
import { DomainError } from "../errors";
import type { Role } from "../../db/schema";
import { hashPassword, verifyPassword } from "./password";
import { attemptSucceeded, beginAttempt, forgetQuietFailures } from "./throttle";

export { SESSION_COOKIE } from "./cookie";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface SessionUser {
  id: number;
  username: string;
  firstName: string;
  lastName: string;
  role: Role;
  /** The IANA zone the console shows this user's times in; null: the browser's own. */
  timeZone: string | null;
}

export const credentialsSchema = z.object({
  username: text("The user name").trim().min(1, "Enter your user name.").max(200, "That user name is too long."),
  password: text("The password").min(1, "Enter your password.").max(1000, "That password is too long."),
});
export type Credentials = z.infer<typeof credentialsSchema>;

export const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

// Verifying against a real hash when the user does not exist keeps the answer time the same either way,
// so sign-in does not reveal which user names exist.
let decoyHash: Promise<string> | undefined;

/**
 * Checks the credentials and opens a session. Wrong user name and wrong password fail alike. `address` is
 * the client's (lib/auth/client-address.ts): failures are throttled per user name and address
 * (lib/auth/throttle.ts), so nobody can lock another person out by guessing at their name.
 */
export async function signIn(sql: Sql, credentials: Credentials, address: string): Promise<{ token: string; expiresAt: Date; user: SessionUser }> {
  const attempt = await beginAttempt(sql, credentials.username, address);
  if (!attempt.allowed) {
    const wait = attempt.retryAfterSeconds;
    const when = wait < 90 ? `${wait} second${wait === 1 ? "" : "s"}` : `${Math.ceil(wait / 60)} minutes`;
    throw new DomainError("TOO_MANY_ATTEMPTS", `Too many failed sign-ins for this user name from this address. Try again in ${when}.`, {
      retryAfterSeconds: wait,
    });
  }
  const [row] = await sql<(SessionUser & { passwordHash: string | null })[]>`
    select id, username, first_name as "firstName", last_name as "lastName", role, time_zone as "timeZone", password_hash as "passwordHash"
      from wfm.users where lower(username) = lower(${credentials.username})`;
  const hashToCheck = row?.passwordHash ?? (await (decoyHash ??= hashPassword(randomBytes(16).toString("hex"))));
  const ok = await verifyPassword(hashToCheck, credentials.password);
  if (!row || !row.passwordHash || !ok) throw new DomainError("INVALID_CREDENTIALS", "The user name or password is not correct.");
  await attemptSucceeded(sql, credentials.username, address);
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await sql`insert into wfm.sessions (token_hash, user_id, expires_at) values (${tokenHash(token)}, ${row.id}, ${expiresAt})`;
  // Expired sessions and forgotten failures are swept here rather than by a timer: sign-in is rare and cheap
  // to piggyback on.
  await sql`delete from wfm.sessions where expires_at < now()`;
  await forgetQuietFailures(sql);
  const { passwordHash: _, ...user } = row;
  return { token, expiresAt, user };
}

export async function userForSession(sql: Sql, token: string | undefined | null): Promise<SessionUser | null> {
  if (!token || token.length > 200) return null;
  const [row] = await sql<SessionUser[]>`
    select u.id, u.username, u.first_name as "firstName", u.last_name as "lastName", u.role, u.time_zone as "timeZone"
      from wfm.sessions s join wfm.users u on u.id = s.user_id
     where s.token_hash = ${tokenHash(token)} and s.expires_at > now()`;
  return row ?? null;
}

export async function signOut(sql: Sql, token: string | undefined | null): Promise<void> {
  if (!token) return;
  await sql`delete from wfm.sessions where token_hash = ${tokenHash(token)}`;
}
