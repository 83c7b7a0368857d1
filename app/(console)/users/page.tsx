import type { Metadata } from "next";
import { verifySession } from "@/app/lib/session";
import { PageHead } from "@/app/ui/empty-state";
import { SortHeader, type SortDirection } from "@/app/ui/sort-header";
import { TableScroll } from "@/app/ui/table-scroll";
import { can } from "@/lib/auth/roles";
import { listUsers } from "@/lib/console/overview";
import { importCandidates } from "@/lib/console/users";
import { sharedDatabase } from "@/lib/db/shared";
import { sourceNames } from "@/lib/console/source-tables";
import { LocalTime } from "@/app/ui/local-time";
import { SourceFilter } from "@/app/ui/source-filter";
import { listTokens } from "@/lib/auth/tokens";
import { ImportForm, NewTokenForm, PasswordForm, RevokeTokenForm, RoleForm } from "./user-forms";

export const metadata: Metadata = { title: "Users" };
export const dynamic = "force-dynamic";

const USER_SORTS = ["username", "name", "email", "role", "source"] as const;

type UserRow = Awaited<ReturnType<typeof listUsers>>[number];

/** Where a user came from, as the Source column says it: the configuration source it was imported from, or WFM itself. */
const origin = (u: UserRow) => (u.fromCfg ? `Configuration Database (${u.source ?? "main"})` : "local account");

/** The users in the order the header asks (a few hundred at most: sorted here); ties by username, empty values last. */
function sortUsers(users: UserRow[], sort: (typeof USER_SORTS)[number], dir: SortDirection): UserRow[] {
  const key = (u: UserRow) =>
    sort === "name" ? `${u.firstName} ${u.lastName}`.trim() : sort === "email" ? (u.email ?? "") : sort === "role" ? u.role : sort === "source" ? origin(u) : u.username;
  const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  const sign = dir === "asc" ? 1 : -1;
  // An empty value (no email, no name) sorts last either way, as on Sites.
  return [...users].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    if (!x || !y) return !x && !y ? collator.compare(a.username, b.username) : !x ? 1 : -1;
    return sign * collator.compare(x, y) || collator.compare(a.username, b.username);
  });
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await verifySession();
  const { sql } = sharedDatabase();
  const params = await searchParams;
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const search = first(params.q)?.trim().slice(0, 100) || undefined;
  const sort = USER_SORTS.find((column) => column === first(params.sort)) ?? "username";
  const dir: SortDirection = first(params.dir) === "desc" ? "desc" : "asc";
  const admin = can(me, "users.write");
  const sources = await sourceNames(sql);
  // The source whose persons are offered for import (SPEC §2.9); one that does not exist (typed, or removed) is said and main offered.
  const asked = first(params.source) || "main";
  const source = sources.includes(asked) ? asked : "main";
  const [users, candidates, tokens] = await Promise.all([
    listUsers(sql).then((list) => sortUsers(list, sort, dir)),
    admin ? importCandidates(sql, source, search) : Promise.resolve([]),
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
              {(
                [
                  ["User name", "username"],
                  ["Name", "name"],
                  ["Email", "email"],
                  ["Role", "role"],
                  ["Source", "source"],
                ] as const
              ).map(([label, column]) => (
                <SortHeader key={column} label={label} column={column} sort={sort} dir={dir} firstDir="asc" href={(c, d) => (c === "username" && d === "asc" ? "/users" : `/users?${new URLSearchParams({ sort: c, dir: d })}`)} />
              ))}
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
                <td>{origin(user)}</td>
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
            <SourceFilter sources={sources} value={source} all={null} />
            <label>
              Find persons
              <input type="search" name="q" defaultValue={search ?? ""} placeholder="Name or username" />
            </label>
            <button type="submit" className="button small secondary">Find</button>
          </form>
          {source !== asked && (
            <p className="alert warning" role="status">
              There is no configuration source named &quot;{asked}&quot;: showing the persons of main.
            </p>
          )}
          <ImportForm candidates={candidates} source={source} />
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
