/**
 * What the sources API answers about a replicated source (SPEC §2.9, §6.1 "source"), against a real second
 * PostgreSQL: the answers REST gives — sourceView of a created, listed or read source, and a refusal as
 * toDomainError makes it — never hold the connection's password, and a delete forced while the publisher cannot
 * be reached answers the slot it left there with SQL that, run there, drops it.
 */
import { randomBytes } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSource, getSource, listSources } from "../config/sources";
import { installPublisher } from "../config/publisher";
import { createClient, type Database } from "../db/client";
import { toDomainError } from "../errors";
import { freshDatabase } from "../testing/database";
import { freshPublisherDatabase } from "../testing/publisher";
import { eventually } from "../testing/servers";
import { startTcpProxy } from "../testing/tcp-proxy";
import { deleteSourceLeaving } from "./source-deletion";
import { sourceShape, sourceView } from "./source-shapes";

let wfm: Database;
let publisher: Database & { url: string };
/** A least-privilege replication user of the publisher, with a password found nowhere else. */
const role = `wfm_repl_${randomBytes(4).toString("hex")}`;
const password = `Pw-${randomBytes(12).toString("hex")}`;
let connection: string;
/** host:port/database of the publisher, as answers name it. */
let where: string;

beforeAll(async () => {
  wfm = await freshDatabase({ max: 4 });
  publisher = await freshPublisherDatabase();
  await publisher.sql.unsafe(`create role ${role} login replication password '${password}'`);
  const url = new URL(publisher.url);
  url.username = role;
  url.password = password;
  connection = url.toString();
  where = `${url.hostname}:${url.port}${url.pathname}`;
});

afterAll(async () => {
  // The publisher's database (and the slots on it) go with freshPublisherDatabase; the role is the cluster's.
  await publisher.sql.unsafe(`drop owned by ${role}`).catch(() => {});
  await publisher.sql.unsafe(`drop role if exists ${role}`).catch(() => {});
});

/** What REST answers for a refusal: SPEC §6's error body, as handleError builds it. */
async function refusalOf(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  const known = toDomainError(error);
  expect(known, String(error)).not.toBeNull();
  return JSON.stringify({ error: { code: known!.code, message: known!.message, details: known!.details ?? null } });
}

describe("a replicated source registered with a password", () => {
  it("is answered everywhere by host:port/database, never with the connection's password", async () => {
    await installPublisher(publisher.url, "pw", { grantTo: role });
    await publisher.sql`insert into cfg_pw.tenants (name) values ('Secretive')`;
    const created = sourceView(await createSource(wfm.sql, { name: "pw", kind: "replicated", connection }));
    expect(sourceShape.strict().safeParse(created).success).toBe(true);
    expect(created.replication).toMatchObject({ publisher: where });
    const streaming = await eventually(async () => {
      const source = sourceView(await getSource(wfm.sql, "pw"));
      return source.replication?.state === "streaming" && source.counts.tenants === 1 ? source : null;
    }, "pw streaming with its tenant");
    const listed = (await listSources(wfm.sql)).map(sourceView);
    expect(listed.map((s) => s.name)).toEqual(["main", "pw"]);
    for (const [what, answer] of [["create", created], ["get", streaming], ["list", listed]] as const) {
      const text = JSON.stringify(answer);
      expect(text, what).toContain(where);
      expect(text, what).not.toContain(password);
      expect(text, what).not.toContain(role);
    }
  });

  it("is refused without the password in the answer, whatever is wrong with the connection", async () => {
    const bad = (change: (url: URL) => void) => {
      const url = new URL(connection);
      change(url);
      return url.toString();
    };
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const attempts: [string, string, RegExp][] = [
      ["no such database", bad((u) => (u.pathname = "/no_such_configdb")), /does not exist/],
      ["nothing listening", bad((u) => (u.port = String(closedPort))), /connection refused/],
      ["no publication of that name", connection, /has no publication wfm_other/],
      ["not a URL", `postgres://${role}:${password}@/configdb`, /PostgreSQL connection URL/],
    ];
    for (const [what, attempt, reason] of attempts) {
      const answer = await refusalOf(createSource(wfm.sql, { name: "other", kind: "replicated", connection: attempt }));
      expect(answer, what).toMatch(reason);
      expect(answer, what).not.toContain(password);
    }
    // A wrong password is not answered either.
    const wrong = `Wrong-${randomBytes(8).toString("hex")}`;
    const answer = await refusalOf(createSource(wfm.sql, { name: "other", kind: "replicated", connection: bad((u) => (u.password = wrong)) }));
    expect(answer).toMatch(/user name or password is wrong/);
    expect(answer).not.toContain(wrong);
    expect(await wfm.sql`select name from wfm.config_sources order by name`).toEqual([{ name: "main" }, { name: "pw" }]);
  });

  it("deleted, leaves nothing and answers null", async () => {
    const [{ slot }] = (await wfm.sql`select slot from wfm.config_sources where name = 'pw'`) as unknown as [{ slot: string }];
    expect(await deleteSourceLeaving(wfm.sql, "pw")).toBeNull();
    expect(await publisher.sql`select 1 from pg_replication_slots where slot_name = ${slot}`).toHaveLength(0);
    expect(await wfm.sql`select 1 from wfm.config_sources where name = 'pw'`).toHaveLength(0);
  });
});

describe("a delete forced while the publisher cannot be reached", () => {
  it("answers the slot left there, where it is, and SQL that drops it there", async () => {
    await installPublisher(publisher.url, "away", { grantTo: role });
    // WFM reaches this publisher through a proxy, which then goes away: the publisher itself stays up.
    const proxy = await startTcpProxy(Number(new URL(publisher.url).port));
    const through = proxy.url(connection);
    await createSource(wfm.sql, { name: "away", kind: "replicated", connection: through });
    const [{ slot }] = (await wfm.sql`select slot from wfm.config_sources where name = 'away'`) as unknown as [{ slot: string }];
    expect(await publisher.sql`select 1 from pg_replication_slots where slot_name = ${slot}`).toHaveLength(1);
    await proxy.close();

    const refused = await refusalOf(deleteSourceLeaving(wfm.sql, "away"));
    expect(JSON.parse(refused)).toMatchObject({ error: { code: "UNAVAILABLE", message: expect.stringContaining(slot) } });
    expect(await wfm.sql`select 1 from wfm.config_sources where name = 'away'`).toHaveLength(1);

    const left = await deleteSourceLeaving(wfm.sql, "away", { force: true });
    expect(left).toEqual({ slot, publisher: `127.0.0.1:${proxy.port}${new URL(publisher.url).pathname}`, drop: `SELECT pg_drop_replication_slot('${slot}');` });
    expect(JSON.stringify(left)).not.toContain(password);
    expect(await wfm.sql`select 1 from wfm.config_sources where name = 'away'`).toHaveLength(0);
    // The slot is still on the publisher, keeping WAL, until its DBA runs what the answer says.
    expect(await publisher.sql`select 1 from pg_replication_slots where slot_name = ${slot}`).toHaveLength(1);
    const dba = createClient(publisher.url, { max: 1 });
    try {
      await dba.sql.unsafe(left!.drop);
    } finally {
      await dba.close();
    }
    expect(await publisher.sql`select 1 from pg_replication_slots where slot_name = ${slot}`).toHaveLength(0);
  });
});
