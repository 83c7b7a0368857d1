/**
 * The sign-in throttle, per (user name, client address), kept in wfm.sign_in_failures so that the page,
 * REST and every console process count the same guesses. FREE_FAILURES wrong passwords cost nothing; each
 * one after that blocks the pair for twice as long as the last (30 s, 1 min, 2 min, … at most 15 min), and
 * a quiet hour forgets them. A stranger guessing at 'admin' from elsewhere delays only their own address.
 *
 * An attempt is counted *before* its password is checked, in one statement that also refuses a blocked
 * pair: concurrent tries queue on the pair's row, so thirty at once check at most FREE_FAILURES passwords.
 * A correct password then clears the pair.
 */
import type { Sql } from "../db/client";

export const FREE_FAILURES = 5;
const FIRST_BLOCK_SECONDS = 30;
const LONGEST_BLOCK_SECONDS = 15 * 60;
const FORGET_AFTER = "1 hour";

export type Attempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const key = (username: string) => username.trim().toLowerCase();

/** Counts an attempt for (username, address), or says how long the pair must wait. */
export async function beginAttempt(sql: Sql, username: string, address: string): Promise<Attempt> {
  // This attempt's number among the pair's recent failures (a quiet hour starts the count again).
  const failures = sql`(case when f.last_failed_at < now() - ${FORGET_AFTER}::interval then 1 else f.failures + 1 end)`;
  const [counted] = await sql<{ failures: number }[]>`
    insert into wfm.sign_in_failures as f (username, address, failures, last_failed_at, blocked_until)
    values (${key(username)}, ${address}, 1, now(), null)
    on conflict (username, address) do update
       set failures = ${failures},
           last_failed_at = now(),
           -- The last free attempt already blocks the pair while its password is checked, so a burst of
           -- concurrent tries cannot all pass; a correct password lifts it (attemptSucceeded).
           blocked_until = case when ${failures} < ${FREE_FAILURES} then null
                                else now() + make_interval(secs => least(${LONGEST_BLOCK_SECONDS}, ${FIRST_BLOCK_SECONDS} * power(2, ${failures} - ${FREE_FAILURES})))
                           end
     where f.blocked_until is null or f.blocked_until <= now()
    returning failures`;
  if (counted) return { allowed: true };
  const [blocked] = await sql<{ seconds: number }[]>`
    select ceil(extract(epoch from blocked_until - now()))::int as seconds from wfm.sign_in_failures
     where username = ${key(username)} and address = ${address}`;
  return { allowed: false, retryAfterSeconds: Math.max(1, blocked?.seconds ?? FIRST_BLOCK_SECONDS) };
}

/** A correct password: the pair's failures are forgotten. */
export async function attemptSucceeded(sql: Sql, username: string, address: string): Promise<void> {
  await sql`delete from wfm.sign_in_failures where username = ${key(username)} and address = ${address}`;
}

/** Old, quiet pairs go: sign-in is rare, so it sweeps them itself rather than keep a timer. */
export async function forgetQuietFailures(sql: Sql): Promise<void> {
  await sql`delete from wfm.sign_in_failures
             where last_failed_at < now() - ${FORGET_AFTER}::interval and (blocked_until is null or blocked_until < now())`;
}
