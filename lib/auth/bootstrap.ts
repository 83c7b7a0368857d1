import type { Sql } from "../db/client";
import { generatePassword, hashPassword } from "./password";

/**
 * On first start there is nobody to sign in. Creates user `admin` when no admin exists, with the given
 * password or a generated one, which is returned so the launcher can print it once.
 */
export async function ensureAdmin(sql: Sql, password?: string): Promise<{ created: boolean; password?: string }> {
  const [existing] = await sql`select 1 from wfm.users where role = 'admin' limit 1`;
  if (existing) return { created: false };
  const chosen = password && password.length > 0 ? password : generatePassword();
  const passwordHash = await hashPassword(chosen);
  const inserted = await sql`
    insert into wfm.users (username, first_name, last_name, role, password_hash)
    values ('admin', 'WFM', 'Administrator', 'admin', ${passwordHash})
    on conflict (username) do update set role = 'admin', password_hash = excluded.password_hash
    returning id`;
  return { created: inserted.length > 0, password: chosen };
}
