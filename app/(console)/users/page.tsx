import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { PageHead } from "@/app/ui/empty-state";
import { listUsers } from "@/lib/console/overview";
import { sharedDatabase } from "@/lib/db/shared";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  await verifySession();
  const users = await listUsers(sharedDatabase().sql);
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
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <td>{user.username}</td>
                <td>{`${user.firstName} ${user.lastName}`.trim()}</td>
                <td>{user.email ?? "—"}</td>
                <td>{user.role}</td>
                <td>{user.fromCfg ? "Configuration Database" : "local account"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
