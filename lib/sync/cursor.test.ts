/**
 * The cursor moves only in the transaction that applied what it covers (cursor.ts): after postgres.js has
 * silently reconnected in the middle of a transaction, a cursor write would otherwise run on the new session in
 * autocommit and commit, past changes that were rolled back with the old session.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClient, inTransaction, type Database } from "../db/client";
import { freshDatabase } from "../testing/database";
import { moveCursor } from "./cursor";

let database: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 2 });
  await database.sql`insert into wfm.servers (name, sync_level) values ('A', 2)`;
});
afterEach(() => database.sql`delete from wfm.sync_cursors`);

const cursorOf = async () => (await database.sql`select last_seq from wfm.sync_cursors where server = 'A' and source = 'main'`)[0]?.last_seq ?? null;

describe("moving a server's cursor", () => {
  for (const kind of ["realtime", "full"] as const) {
    it(`${kind}: moves it inside its transaction`, async () => {
      const conn = createClient(database.url, { max: 1, session: true });
      try {
        await inTransaction(conn.sql, "isolation level repeatable read", async (tx, { pid }) => moveCursor(tx, { server: "A", source: "main", seq: 9, pid: await pid }, kind));
        expect(await cursorOf()).toBe(9);
      } finally {
        await conn.close();
      }
    });

    it(`${kind}: moves nothing once the transaction's session is gone and the client has reconnected`, async () => {
      await database.sql`insert into wfm.sync_cursors (server, source, last_seq) values ('A', 'main', 5)`;
      let closed!: () => void;
      const gone = new Promise<void>((resolve) => (closed = resolve));
      const conn = createClient(database.url, { max: 1, session: true, onclose: () => closed() });
      try {
        const attempt = inTransaction(conn.sql, "isolation level repeatable read", async (tx, session) => {
          const pid = await session.pid;
          await database.sql`select pg_terminate_backend(${pid})`;
          await gone;
          // The next statement reconnects: it runs on a new session, outside any transaction.
          const [{ now }] = (await tx`select pg_backend_pid() as now`) as unknown as [{ now: number }];
          expect(now).not.toBe(pid);
          await moveCursor(tx, { server: "A", source: "main", seq: 9, pid }, kind);
        });
        await expect(attempt).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
        expect(await cursorOf()).toBe(5);
      } finally {
        await conn.close();
      }
    });
  }
});
