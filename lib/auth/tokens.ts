/**
 * API bearer tokens (SPEC §6): an admin creates one in the console for a user; the token acts as that user
 * (with that user's role). The plain token is shown once; only its SHA-256 is stored.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { idNumber, idText, INT_ID_MAX, nameText } from "../input";
import type { Sql } from "../db/client";
import { DomainError } from "../errors";
import { tokenHash as hashOf, type SessionUser } from "./sessions";

export const newTokenInput = z.object({
  name: nameText("The name").trim().min(1, "Name the token (what uses it).").max(100, "A token's name has at most 100 characters."),
  userId: z.number({ message: "Choose the user the token acts as." }).int("Choose the user the token acts as.").positive("Choose the user the token acts as.").max(INT_ID_MAX, "Choose the user the token acts as."),
});

export async function createToken(sql: Sql, input: z.input<typeof newTokenInput>, createdBy: string): Promise<{ id: number; token: string }> {
  const { name, userId } = newTokenInput.parse(input);
  const [user] = await sql`select 1 from wfm.users where id = ${userId}`;
  if (!user) throw new DomainError("NOT_FOUND", `There is no user with id ${userId}.`);
  const token = `wfm_${randomBytes(32).toString("base64url")}`;
  const [row] = await sql<{ id: number }[]>`
    insert into wfm.api_tokens (name, token_hash, user_id, created_by) values (${name}, ${hashOf(token)}, ${userId}, ${createdBy}) returning id`;
  return { id: row!.id, token };
}

/** The user a bearer token acts as, or null; notes when it was last used. */
export async function userForToken(sql: Sql, token: string | undefined | null): Promise<SessionUser | null> {
  if (!token || token.length > 200 || !token.startsWith("wfm_")) return null;
  const [row] = await sql<SessionUser[]>`
    with used as (update wfm.api_tokens set last_used_at = now() where token_hash = ${hashOf(token)} returning user_id)
    select u.id, u.username, u.first_name as "firstName", u.last_name as "lastName", u.role, u.time_zone as "timeZone"
      from used join wfm.users u on u.id = used.user_id`;
  return row ?? null;
}

export async function listTokens(sql: Sql) {
  return sql<{ id: number; name: string; username: string; role: string; createdBy: string | null; createdAt: Date; lastUsedAt: Date | null }[]>`
    select t.id, t.name, u.username, u.role, t.created_by as "createdBy", t.created_at as "createdAt", t.last_used_at as "lastUsedAt"
      from wfm.api_tokens t join wfm.users u on u.id = t.user_id order by t.id`;
}

export async function revokeToken(sql: Sql, id: unknown): Promise<void> {
  // The form posts text: "abc" or "" is a bad id, said as such, not a database error about "NaN".
  const tokenId = idText("tokenId", INT_ID_MAX).or(idNumber("tokenId", INT_ID_MAX)).parse(id);
  const rows = await sql`delete from wfm.api_tokens where id = ${tokenId} returning id`;
  if (!rows.length) throw new DomainError("NOT_FOUND", `There is no API token ${tokenId}.`);
}
