/**
 * inTransaction (client.ts) saves round trips: BEGIN goes out with the work's first statements, and the last
 * ones with COMMIT. Neither may change what a transaction is: the work runs inside it, and a last statement
 * that fails takes the whole transaction with it.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { createClient, inTransaction, type Database } from "./client";
import { freshDatabase } from "../testing/database";

let database: Database;
let conn: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 2 });
  await database.sql`create table public.probe (n int primary key)`;
  conn = createClient(database.url, { max: 1, session: true });
});
afterAll(() => conn.close());
beforeEach(() => database.sql`delete from public.probe`);

const probe = async () => (await database.sql<{ n: number }[]>`select n from public.probe order by n`).map((r) => r.n);

it("runs the work's first statements inside the transaction, though they go out before BEGIN is answered", async () => {
  const seen = await inTransaction(conn.sql, "isolation level repeatable read", async (tx) => {
    // Sent at once, before anything is awaited (as a pipeline sends its steps): still behind BEGIN.
    const first = tx<{ level: string }[]>`select current_setting('transaction_isolation') as level`.execute();
    const [row] = await first;
    return row;
  });
  // The session's default is read committed: only the transaction's BEGIN says repeatable read.
  expect(seen?.level).toBe("repeatable read");
});

it("reads the session's pid before BEGIN, so that the work's first statement takes the transaction's snapshot", async () => {
  await database.sql`insert into public.probe values (1)`;
  const seen = await inTransaction(conn.sql, "isolation level repeatable read", async (tx, { pid }) => {
    await pid;
    // Committed after BEGIN and the pid were answered, before the work's first statement.
    await database.sql`insert into public.probe values (2)`;
    return (await tx<{ n: number }[]>`select n from public.probe order by n`).map((r) => r.n);
  });
  expect(seen).toEqual([1, 2]);
});

it("commits the statements sent with the COMMIT, in the order they were given", async () => {
  await inTransaction(conn.sql, "isolation level read committed", async (tx, { withCommit }) => {
    await tx`insert into public.probe values (1)`;
    withCommit(tx`insert into public.probe values (2)`);
    withCommit(tx`update public.probe set n = 3 where n = 2`);
  });
  expect(await probe()).toEqual([1, 3]);
});

it("rolls everything back when a statement sent with the COMMIT fails, and reports that statement's error", async () => {
  const attempt = inTransaction(conn.sql, "isolation level read committed", async (tx, { withCommit }) => {
    await tx`insert into public.probe values (1)`;
    withCommit(tx`insert into public.probe values (2)`);
    withCommit(tx`insert into public.probe values (1)`); // a duplicate key
    withCommit(tx`insert into public.probe values (4)`);
  });
  await expect(attempt).rejects.toMatchObject({ code: "23505" });
  expect(await probe()).toEqual([]);
  // The session is usable again, outside any transaction.
  const [row] = await conn.sql<{ open: boolean }[]>`select pg_current_xact_id_if_assigned() is not null as open`;
  expect(row?.open).toBe(false);
});
