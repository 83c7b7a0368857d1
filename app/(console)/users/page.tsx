import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { PageHead } from "@/app/ui/empty-state";
import { TableScroll } from "@/app/ui/table-scroll";
import { can } from "@/lib/auth/roles";
import { listUsers } from "@/lib/console/overview";
import { importCandidates } from "@/lib/console/users";
import { sharedDatabase } from "@/lib/db/shared";
import { LocalTime } from "@/app/ui/local-time";
import { listTokens } from "@/lib/auth/tokens";
import { ImportForm, NewTokenForm, PasswordForm, RevokeTokenForm, RoleForm } from "./user-forms";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await verifySession();
  const { sql } = sharedDatabase();
  const q = (await searchParams).q;
  const search = (Array.isArray(q) ? q[0] : q)?.trim().slice(0, 100) || undefined;
  const admin = can(me, "users.write");
  const [users, candidates, tokens] = await Promise.all([
    listUsers(sql),
    admin ? importCandidates(sql, search) : Promise.resolve([]),
    admin ? listTokens(sql) : Promise.resolve([]),
  ]);
  return (
    <>
      <PageHead title="Users" description="People who can sign in to this console. Users enter WFM only by import from the Configuration Database." />
      <TableScroll label="WFM users">
        <table className="data">
          <caption className="visually-hidden">WFM users</caption>
          <thead>
            <tr>
              <th scope="col">User name</th>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Source</th>
              {admin && <th scope="col">Change</th>}
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <td>{user.username}</td>
                <td>{`${user.firstName} ${user.lastName}`.trim()}</td>
                <td>{user.email ?? "—"}</td>
                <td>{admin ? <RoleForm userId={user.id} username={user.username} role={user.role} /> : user.role}</td>
                <td>{user.fromCfg ? "Configuration Database" : "local account"}</td>
                {admin && (
                  <td>
                    <PasswordForm userId={user.id} username={user.username} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {admin && (
        <section className="panel" aria-labelledby="import-heading">
          <h2 id="import-heading">Import from the Configuration Database</h2>
          <form className="filters" role="search" action="/users">
            <label>
              Find persons
              <input type="search" name="q" defaultValue={search ?? ""} placeholder="Name or username" />
            </label>
            <button type="submit" className="button small secondary">Find</button>
          </form>
          <ImportForm candidates={candidates} />
        </section>
      )}
      {admin && (
        <section className="panel" aria-labelledby="tokens-heading">
          <h2 id="tokens-heading">API tokens</h2>
          <p className="muted">For integrations: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as its user, with that user&apos;s role.</p>
          {tokens.length > 0 && (
            <TableScroll label="API tokens">
              <table className="data">
                <caption className="visually-hidden">API tokens</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Acts as</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col"><span className="visually-hidden">Revoke</span></th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((t) => (
                    <tr key={t.id}>
                      <td>{t.name}</td>
                      <td>
                        {t.username} ({t.role})
                      </td>
                      <td className="nowrap">
                        <LocalTime at={t.createdAt} />
                      </td>
                      <td className="nowrap">{t.lastUsedAt ? <LocalTime at={t.lastUsedAt} /> : "never"}</td>
                      <td>
                        <RevokeTokenForm tokenId={t.id} name={t.name} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          <NewTokenForm users={users.map((u) => ({ id: u.id, username: u.username, role: u.role }))} />
        </section>
      )}
    </>
  );
}
