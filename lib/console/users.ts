/**
 * WFM users (SPEC §5 Users): persons imported from a configuration source with a role — the only way users
 * enter WFM — and their role and password changed by an administrator. A user remembers its source: dbids are
 * unique within a source only (SPEC §2.9).
 */
import { z } from "zod";
import { roles } from "../../db/schema";
import { hashPassword } from "../auth/password";
import { cfgTable } from "../config/reference";
import { MAIN_SOURCE, sourceName, type SourceRow } from "../config/source-names";
import type { Sql } from "../db/client";
import { DomainError, fieldError } from "../errors";
import { BIGINT_ID_MAX, idNumber, INT_ID_MAX, text } from "../input";

export const importUsersInput = z.object({
  source: sourceName("source").default(MAIN_SOURCE).describe("the configuration source the persons are in (default main)"),
  cfgDbids: z.array(idNumber("a cfg dbid", BIGINT_ID_MAX)).min(1, "Choose at least one person.").max(500, "Import at most 500 at a time."),
  role: z.enum(roles, { message: "the role is admin, supervisor or viewer" }),
});

/** Imports persons of one source as WFM users with a role; persons already users are left as they are. */
export async function importUsers(sql: Sql, input: z.input<typeof importUsersInput>): Promise<{ imported: string[]; already: number }> {
  const { source, cfgDbids, role } = importUsersInput.parse(input);
  return sql.begin(async (t) => {
    const tx = t as unknown as Sql;
    // Held until commit, so the source cannot be removed between this check and the import.
    const [known] = await tx<SourceRow[]>`select name, kind, schema from wfm.config_sources where name = ${source} for key share`;
    if (!known) throw fieldError("NOT_FOUND", "source", `There is no configuration source named "${source}".`);
    const persons = cfgTable(tx, known, "persons");
    const missing = await tx<{ dbid: number }[]>`select unnest(${cfgDbids}::bigint[]) as dbid except select dbid from ${persons}`;
    if (missing.length) throw fieldError("NOT_FOUND", "cfgDbids", `No person in source ${source} has dbid ${missing.map((m) => m.dbid).join(", ")}.`);
    const taken = await tx<{ username: string }[]>`
      select p.username from ${persons} p
        join wfm.users u on lower(u.username) = lower(p.username) and (u.source, u.cfg_dbid) is distinct from (${source}, p.dbid)
       where p.dbid = any(${cfgDbids}::bigint[])`;
    if (taken.length) throw fieldError("CONFLICT", "cfgDbids", `Another WFM user already has the username ${taken.map((t) => t.username).join(", ")}.`);
    const rows = await tx<{ username: string }[]>`
      insert into wfm.users (source, cfg_dbid, username, first_name, last_name, email, role)
      select ${source}, dbid, username, first_name, last_name, email, ${role} from ${persons} where dbid = any(${cfgDbids}::bigint[])
      on conflict (source, cfg_dbid) do nothing returning username`;
    return { imported: rows.map((r) => r.username), already: cfgDbids.length - rows.length };
  });
}

export const passwordInput = z.object({
  userId: idNumber("userId", INT_ID_MAX),
  password: text("The password")
    .min(10, "A password has at least 10 characters.")
    .max(200, "A password has at most 200 characters.")
    .refine((password) => password.trim().length >= 10, "A password has at least 10 characters besides spaces."),
});

export async function setPassword(sql: Sql, input: z.input<typeof passwordInput>): Promise<void> {
  const { userId, password } = passwordInput.parse(input);
  const rows = await sql`update wfm.users set password_hash = ${await hashPassword(password)}, updated_at = now() where id = ${userId} returning id`;
  if (!rows.length) throw new DomainError("NOT_FOUND", `There is no user with id ${userId}.`);
  // Whoever had a session with the old password signs in again.
  await sql`delete from wfm.sessions where user_id = ${userId}`;
}

export const roleInput = z.object({ userId: idNumber("userId", INT_ID_MAX), role: z.enum(roles, { message: "the role is admin, supervisor or viewer" }) });

export async function setRole(sql: Sql, input: z.input<typeof roleInput>): Promise<void> {
  const { userId, role } = roleInput.parse(input);
  await sql.begin(async (tx) => {
    // The user and every administrator, locked in one statement in id order: two admins demoting each other
    // at once then wait for one another instead of deadlocking, and cannot both succeed.
    const locked = await tx<{ id: number; role: string; canSignIn: boolean }[]>`
      select id, role, password_hash is not null as "canSignIn" from wfm.users
       where id = ${userId} or role = 'admin' order by id for update`;
    const user = locked.find((u) => u.id === userId);
    if (!user) throw new DomainError("NOT_FOUND", `There is no user with id ${userId}.`);
    if (user.role === "admin" && role !== "admin") {
      // Another administrator must be able to sign in (have a password), or nobody could administer any more.
      const others = locked.filter((u) => u.id !== userId && u.role === "admin" && u.canSignIn);
      if (others.length === 0)
        throw fieldError("CONFLICT", "role", "This is the last administrator who can sign in: give another administrator a password, or make someone an administrator, first.");
    }
    await tx`update wfm.users set role = ${role}, updated_at = now() where id = ${userId}`;
  });
}

/**
 * Persons of a source who are not WFM users yet, matching `q` (for the import list); an unknown source is a
 * NOT_FOUND naming it.
 */
export async function importCandidates(sql: Sql, source: string, q: string | undefined, limit = 20) {
  const [known] = await sql<SourceRow[]>`select name, kind, schema from wfm.config_sources where name = ${source}`;
  if (!known) throw fieldError("NOT_FOUND", "source", `There is no configuration source named "${source}".`);
  const like = q ? `%${q.toLowerCase()}%` : null;
  return sql<{ dbid: number; username: string; firstName: string; lastName: string; isAgent: boolean }[]>`
    select p.dbid, p.username, p.first_name as "firstName", p.last_name as "lastName", p.is_agent as "isAgent"
      from ${cfgTable(sql, known, "persons")} p
     where not exists (select 1 from wfm.users u where u.source = ${source} and u.cfg_dbid = p.dbid)
       and (${like}::text is null or lower(p.first_name || ' ' || p.last_name || ' ' || p.username) like ${like})
     order by p.is_agent, p.last_name, p.first_name limit ${limit}`;
}
