/**
 * Users at level 2 (SPEC §2.3): only the username and email of users that already exist in WFM follow cfg.
 * Sync never creates a user (they are imported by hand, with a role) and never touches names or roles.
 */
import type { Sql } from "../db/client";
import { RUN_MODE, statement, type StepMode } from "./agents";
import type { SyncSource } from "./source";

/**
 * `personsTable` limits the writes to the persons listed there (real-time sync: the persons a batch
 * changed). Whether a username is free is still judged against every user, so that the outcome does not
 * depend on how changes were cut into batches.
 */
export async function syncUsers(tx: Sql, runId: number, source: SyncSource, personsTable?: string, mode: StepMode = RUN_MODE): Promise<void> {
  await statement(mode, tx`
    with diff as (
      select u.id, u.cfg_dbid, u.username as old_username, u.email as old_email, p.username, p.email
        from wfm.users u join ${tx(`${source.schema}.persons`)} p on p.dbid = u.cfg_dbid
       where u.source = ${source.name} and (u.username, u.email) is distinct from (p.username, p.email)
    ), blocked as (
      select d.* from diff d
       where d.username <> d.old_username
         and (exists (select 1 from wfm.users o where lower(o.username) = lower(d.username) and o.id <> d.id)
              -- two users whose persons (in different tenants) share a username: neither gets it
              or exists (select 1 from diff o where lower(o.username) = lower(d.username) and o.id <> d.id
                                                and o.username <> o.old_username))
    ), mine as (
      select d.* from diff d
       where ${personsTable ? tx.unsafe(`d.cfg_dbid in (select person_dbid from ${personsTable})`) : tx`true`}
    ), changed as (
      -- A blocked username does not hold back the email.
      update wfm.users u
         set username = case when b.id is null then d.username else u.username end, email = d.email, updated_at = now()
        from mine d left join blocked b on b.id = d.id
       where u.id = d.id and (b.id is null or d.email is distinct from d.old_email)
      returning u.id, b.id is not null as "usernameBlocked"
    )
    insert into wfm.sync_events (run_id, object_type, object_key, action, message)
    select ${runId}::bigint, 'user', d.cfg_dbid::text, 'updated',
           concat_ws('; ',
             case when not c."usernameBlocked" and d.username is distinct from d.old_username
                  then 'username: ' || d.old_username || ' → ' || d.username end,
             case when d.email is distinct from d.old_email
                  then 'email: ' || coalesce(d.old_email, 'none') || ' → ' || coalesce(d.email, 'none') end)
      from mine d join changed c on c.id = d.id
    union all
    select ${runId}::bigint, 'user', b.cfg_dbid::text, 'warning',
           'user ' || b.old_username || ' not updated: another WFM user has or would get the username ' || b.username
      from blocked b where b.id in (select id from mine)`);
}
