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

export { SESSION_COOKIE } from "./cookie";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface SessionUser {
  id: number;
  username: string;
  firstName: string;
  lastName: string;
  role: Role;
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

/** Checks the credentials and opens a session. Wrong user name and wrong password fail alike. */
/**
 * Failed sign-ins per user name, in this process: after FAILURES_ALLOWED within the window, that name is
 * refused until its oldest failure leaves the window — password guessing gets a handful of tries per
 * quarter hour, and a person who mistyped waits minutes, not forever.
 */
const FAILURES_ALLOWED = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;
const failures = new Map<string, number[]>();

function recentFailures(username: string, now = Date.now()): number[] {
  const key = username.toLowerCase();
  const recent = (failures.get(key) ?? []).filter((at) => now - at < FAILURE_WINDOW_MS);
  if (recent.length) failures.set(key, recent);
  else failures.delete(key);
  return recent;
}

export async function signIn(sql: Sql, credentials: Credentials): Promise<{ token: string; expiresAt: Date; user: SessionUser }> {
  const recent = recentFailures(credentials.username);
  if (recent.length >= FAILURES_ALLOWED) {
    const minutes = Math.ceil((recent[0]! + FAILURE_WINDOW_MS - Date.now()) / 60_000);
    throw new DomainError("TOO_MANY_ATTEMPTS", `Too many failed sign-ins for this user name. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`);
  }
  const [row] = await sql<(SessionUser & { passwordHash: string | null })[]>`
    select id, username, first_name as "firstName", last_name as "lastName", role, password_hash as "passwordHash"
      from wfm.users where lower(username) = lower(${credentials.username})`;
  const hashToCheck = row?.passwordHash ?? (await (decoyHash ??= hashPassword(randomBytes(16).toString("hex"))));
  const ok = await verifyPassword(hashToCheck, credentials.password);
  if (!row || !row.passwordHash || !ok) {
    failures.set(credentials.username.toLowerCase(), [...recent, Date.now()]);
    throw new DomainError("INVALID_CREDENTIALS", "The user name or password is not correct.");
  }
  failures.delete(credentials.username.toLowerCase());
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await sql`insert into wfm.sessions (token_hash, user_id, expires_at) values (${tokenHash(token)}, ${row.id}, ${expiresAt})`;
  // Expired sessions are swept here rather than by a timer: sign-in is rare and cheap to piggyback on.
  await sql`delete from wfm.sessions where expires_at < now()`;
  const { passwordHash: _, ...user } = row;
  return { token, expiresAt, user };
}

export async function userForSession(sql: Sql, token: string | undefined | null): Promise<SessionUser | null> {
  if (!token || token.length > 200) return null;
  const [row] = await sql<SessionUser[]>`
    select u.id, u.username, u.first_name as "firstName", u.last_name as "lastName", u.role
      from wfm.sessions s join wfm.users u on u.id = s.user_id
     where s.token_hash = ${tokenHash(token)} and s.expires_at > now()`;
  return row ?? null;
}

export async function signOut(sql: Sql, token: string | undefined | null): Promise<void> {
  if (!token) return;
  await sql`delete from wfm.sessions where token_hash = ${tokenHash(token)}`;
}
