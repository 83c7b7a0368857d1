/**
 * The driver under a connection lost at its most fragile moment: while a new connection fetches the
 * database's array types, before the caller's first query runs. postgres.js 3.4.9 dropped that fetch's
 * promise, so a client closed at that moment also left an unhandled rejection — which ends a Node process
 * (and failed a whole CI run once, when a test server was stopped then). patches/postgres+3.4.9.patch
 * handles the promise; the second test fails without it. The first shows the client recovering from such a
 * loss, arrays included.
 */
import { afterEach, beforeAll, expect, it } from "vitest";
import { createClient, isConnectionLoss, type Database } from "./client";
import { freshDatabase } from "../testing/database";
import { startTcpProxy } from "../testing/tcp-proxy";

let database: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 1 });
});

const unhandled: unknown[] = [];
const record = (reason: unknown) => void unhandled.push(reason);
afterEach(() => {
  process.off("unhandledRejection", record);
  unhandled.length = 0;
});

/** Lets rejections that nobody handled reach the process (Node reports them after the microtask queue). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

// The driver's type fetch selects typarray from pg_catalog.pg_type: no query of ours sends that text.
const TYPE_FETCH = "typarray";

it("a connection lost while it fetches types fails or retries the waiting query, and leaves no unhandled rejection", async () => {
  process.on("unhandledRejection", record);
  const proxy = await startTcpProxy(Number(new URL(database.url).port));
  const client = createClient(proxy.url(database.url), { max: 1 });
  try {
    const cut = proxy.whenClientSends(TYPE_FETCH, "cut");
    const first = await client.sql`select 1 as one`.then(
      (rows) => ({ rows }),
      (error: unknown) => ({ error }),
    );
    await cut;
    if ("error" in first) expect(isConnectionLoss(first.error)).toBe(true);
    // The client is usable again, arrays included (the types are fetched again on the new connection).
    expect(await client.sql`select ${[1, 2]}::int[] as list`).toEqual([{ list: [1, 2] }]);
    await settle();
    expect(unhandled).toEqual([]);
  } finally {
    await client.close();
  }
});

it("a client closed while a connection fetches types leaves no unhandled rejection", async () => {
  process.on("unhandledRejection", record);
  const proxy = await startTcpProxy(Number(new URL(database.url).port));
  const client = createClient(proxy.url(database.url), { max: 1 });
  const waiting = client.sql`select 1`.then(
    () => "answered",
    (error: unknown) => (isConnectionLoss(error) ? "lost" : error),
  );
  // The fetch was sent and no answer will come: the connection is stuck in it when the client is closed.
  await proxy.whenClientSends(TYPE_FETCH, "hold");
  await client.sql.end({ timeout: 0 });
  expect(await waiting).toBe("lost");
  await settle();
  expect(unhandled).toEqual([]);
});
