import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { PageHead } from "@/app/ui/empty-state";
import { can } from "@/lib/auth/roles";
import { listUsers } from "@/lib/console/overview";
import { importCandidates } from "@/lib/console/users";
import { sharedDatabase } from "@/lib/db/shared";
import { ImportForm, PasswordForm, RoleForm } from "./user-forms";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await verifySession();
  const { sql } = sharedDatabase();
  const q = (await searchParams).q;
  const search = (Array.isArray(q) ? q[0] : q)?.trim().slice(0, 100) || undefined;
  const admin = can(me, "users.write");
  const [users, candidates] = await Promise.all([listUsers(sql), admin ? importCandidates(sql, search) : Promise.resolve([])]);
  return (
    <>
      <PageHead title="Users" description="People who can sign in to this console. Users enter WFM only by import from the Configuration Database." />
      <div className="table-wrap">
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
      </div>
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
    </>
  );
}
