/**
 * A replicated source in the browser (SPEC §2.9, issue 14): a Configuration Database in a PostgreSQL cluster of
 * its own, set up as `npm run cfg-source -- init` sets one up, with a least-privilege replication user whose
 * password must never come back. An admin adds the source on the Sources page with that connection; its state
 * turns to streaming and its persons arrive, later writes there too; config-API writes to it are refused naming
 * that database; it is deleted with its replication slot. Registered again and its database stopped, it shows as
 * down, a delete is refused naming the slot, and "Delete anyway" deletes it and says which slot to drop there.
 * No answer of the API and no page of the console holds the password.
 */
import { expect, test, type APIResponse, type Locator } from "@playwright/test";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { sourceDeletedShape, sourceShape } from "../lib/api/source-shapes";
import { installPublisher } from "../lib/config/publisher";
import { subscriptionOf } from "../lib/config/source-names";
import { startPublisherCluster, type PublisherCluster } from "../lib/testing/publisher-cluster";
import { expectError, expectShape, productDatabase, signInAsAdmin } from "./helpers";

/** The Sources table's cells of one row, by column: the name is the row's header, the rest are cells. */
const column = { kind: 0, schema: 1, feed: 2, tenants: 3, persons: 4, agents: 5, servers: 6 } as const;
const cell = (row: Locator, name: keyof typeof column) => row.getByRole("cell").nth(column[name]);

const stamp = Date.now().toString(36);
const name = `rep_${stamp}`;
/** A second source on the same database, deleted with force over REST once the database is stopped. */
const other = `rep_${stamp}_b`;
const schemaOf = (source: string) => `cfg_${source}`;
let cluster: PublisherCluster | undefined;

// After the test, even one that timed out: the subscriptions (detached from their slots: the publisher may be
// down), schemas and rows an earlier failure left in the product, and the publisher's cluster.
test.afterEach(async () => {
  const sql = await productDatabase();
  try {
    for (const source of [name, other]) {
      const subscriptions = await sql<{ subname: string }[]>`select subname from pg_subscription where subname = ${subscriptionOf(source)}`;
      for (const { subname } of subscriptions) {
        await sql.unsafe(`alter subscription ${subname} disable`);
        await sql.unsafe(`alter subscription ${subname} set (slot_name = none)`);
        await sql.unsafe(`drop subscription ${subname}`);
      }
      await sql`drop schema if exists ${sql(schemaOf(source))} cascade`;
      await sql`delete from wfm.config_sources where name = ${source}`;
    }
  } finally {
    await sql.end();
    await cluster?.remove();
    cluster = undefined;
  }
});

test("an admin adds a replicated source, sees it stream, is refused config writes to it, deletes it; stopped, it is down and deleted anyway", async ({ page }) => {
  // Two PostgreSQL clusters and three initial copies: more than the default minute on a shared machine.
  test.setTimeout(240_000);
  const schema = schemaOf(name);
  const database = `config_${stamp}`;
  const role = `wfm_repl_${stamp}`;
  const password = `Pw-${randomBytes(12).toString("hex")}`;
  const sql = await productDatabase();
  // Every answer about sources — the page and its server actions, the table's polls, the REST calls below —
  // read at the end for the password. The browser's are read on their way (a page's or an action's body cannot
  // be read back once the browser has taken it).
  const bodies: Promise<string>[] = [];
  await page.route(
    (url) => url.pathname === "/sources" || url.pathname.startsWith("/api/v1/sources"),
    async (route) => {
      try {
        const response = await route.fetch({ maxRedirects: 0 });
        const body = await response.text();
        bodies.push(Promise.resolve(body));
        await route.fulfill({ response, body });
      } catch (error) {
        // The browser gave up on the request meanwhile (a poll superseded by the next, a page left): its answer
        // reached no page, so there is nothing to read or to hand on.
        if (/disposed|closed|aborted|cancel/i.test((error as Error).message)) return;
        throw error;
      }
    },
  );
  // Read at once: a response's body may be disposed before the end of the test.
  const seen = async (response: APIResponse) => {
    bodies.push(Promise.resolve(await response.text()));
    return response;
  };
  const table = page.getByRole("table", { name: "Sources" });
  const rowOf = (source: string) => table.getByRole("row", { name: new RegExp(`^${source}\\b`) });
  /** A replicated source's replication: the row under its own. */
  const replicationOf = (source: string) => table.getByRole("row", { name: new RegExp(`^Replication of ${source}\\b`) });
  const stateOf = (source: string) => replicationOf(source).locator(".badge");
  const slotOf = async (source: string) => String((await sql`select slot from wfm.config_sources where name = ${source}`)[0]!.slot);
  try {
    // The Configuration Database: its own cluster, a database, a replication user, init's schema and publication.
    cluster = await startPublisherCluster();
    const admin = postgres(cluster.adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${database}`);
    await admin.unsafe(`create role ${role} login replication password '${password}'`);
    await admin.end();
    const configUrl = cluster.adminUrl.replace(/\/postgres$/, `/${database}`);
    await installPublisher(configUrl, name, { grantTo: role });
    await installPublisher(configUrl, other, { grantTo: role });
    const where = `127.0.0.1:${cluster.port}/${database}`;
    const connection = `postgres://${role}:${password}@${where}`;
    const config = postgres(configUrl, { max: 1, onnotice: () => {} });
    try {
      const tenantDbid = await config.begin(async (tx) => {
        const [tenant] = await tx`insert into ${tx(`${schema}.tenants`)} (name) values ('EU Tenant') returning dbid`;
        const [sw] = await tx`insert into ${tx(`${schema}.switches`)} (tenant_dbid, name) values (${tenant!.dbid}, 'SW-EU') returning dbid`;
        const [person] = await tx`
          insert into ${tx(`${schema}.persons`)} (tenant_dbid, username, first_name, last_name) values (${tenant!.dbid}, 'eu.ana', 'Ana', 'Replicated') returning dbid`;
        await tx`insert into ${tx(`${schema}.agent_logins`)} (switch_dbid, code, person_dbid) values (${sw!.dbid}, '7001', ${person!.dbid})`;
        return Number(tenant!.dbid);
      });

      await signInAsAdmin(page);
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sources", exact: true }).click();
      await expect(page.getByRole("heading", { level: 1, name: "Sources" })).toBeVisible();

      // The kind choice: replicated asks for the connection, with a hint on its form and on init.
      await page.getByRole("form", { name: "Add a local source" }).getByRole("radio", { name: /Replicated from its own PostgreSQL/ }).check();
      const form = page.getByRole("form", { name: "Add a replicated source" });
      const field = form.getByLabel("Connection to its Configuration Database");
      await expect(field).toHaveAttribute("autocomplete", "off");
      await expect(field).toHaveAccessibleDescription(/postgres:\/\/user:password@host:5432\/database.*npm run cfg-source -- init/);

      // A connection that cannot work is refused, saying why; what was typed stays in the field; nothing is made.
      const wrong = connection.replace(`/${database}`, "/no_such_database");
      await form.getByLabel("Name").fill(name);
      await field.fill(wrong);
      await form.getByRole("button", { name: "Add source" }).click();
      await expect(form.getByRole("status")).toContainText(`Cannot reach the Configuration Database at 127.0.0.1:${cluster.port}/no_such_database`);
      await expect(field).toHaveValue(wrong);
      await expect(form.getByRole("radio", { name: /Replicated from its own PostgreSQL/ })).toBeChecked();
      expect(await sql`select 1 from wfm.config_sources where name = ${name}`).toHaveLength(0);

      // The right one: added, and the field no longer shows it.
      await field.fill(connection);
      await form.getByRole("button", { name: "Add source" }).click();
      await expect(form.getByRole("status")).toHaveText(new RegExp(`^${name} added, with schema ${schema}, subscribed to ${where.replace(/\./g, "\\.")}:`));
      await expect(field).toHaveValue("");
      const row = rowOf(name);
      await expect(cell(row, "kind")).toHaveText("replicated");
      await expect(replicationOf(name)).toContainText(`from ${where}`);
      // The page polls: the copy ends, the person is there, the state streams.
      await expect(stateOf(name)).toHaveText("streaming");
      await expect(cell(row, "persons")).toHaveText("1");
      await expect(cell(row, "tenants")).toHaveText("1");
      await expect(replicationOf(name)).toContainText(/lag \d/);
      await expect(replicationOf(name)).toContainText("last message");
      // A later write there arrives too, and the open page shows it.
      await config`insert into ${config(`${schema}.persons`)} (tenant_dbid, username, first_name) values (${tenantDbid}, 'eu.ben', 'Ben')`;
      await expect(cell(row, "persons")).toHaveText("2");

      const answered = await seen(await page.request.get(`/api/v1/sources/${name}`));
      expect(answered.status()).toBe(200);
      const body: unknown = await answered.json();
      expectShape(sourceShape, body, `/sources/${name}`);
      expect(body).toMatchObject({ kind: "replicated", schema, counts: { tenants: 1, persons: 2 }, replication: { state: "streaming", publisher: where, copy: null } });
      expect((await seen(await page.request.get("/api/v1/sources"))).status()).toBe(200);

      // Writes go to the owner: the config API refuses them, naming the database to write to.
      for (const [path, data] of [
        ["tenants", { name: "Not here" }],
        ["persons", { tenantDbid, username: "eu.not.here" }],
      ] as const) {
        const refused = await expectError(await page.request.post(`/api/v1/config/${path}?source=${name}`, { data }), 409, "CONFLICT");
        expect(refused.message).toContain(`replicated from its Configuration Database at ${where}`);
      }
      expect(await sql`select 1 from ${sql(`${schema}.persons`)} where username = 'eu.not.here'`).toHaveLength(0);

      // REST refusals of a bad create and of a bad force: one line each, naming the problem.
      const failed = await expectError(await seen(await page.request.post("/api/v1/sources", { data: { name: other, kind: "replicated", connection: wrong } })), 400, "BAD_INPUT");
      expect(failed.message).toContain("does not exist");
      const badForce = await expectError(await page.request.delete(`/api/v1/sources/${name}?force=yes`), 400, "BAD_INPUT", ["force"]);
      expect(badForce.message).toContain("force is true or false");

      // Deleted in the browser: its subscription goes, and its slot on the publisher; the data there stays.
      const slot = await slotOf(name);
      expect(await config`select 1 from pg_replication_slots where slot_name = ${slot}`).toHaveLength(1);
      const remove = page.getByRole("form", { name: `Delete ${name}`, exact: true });
      await expect(remove).toContainText(`its replication slot on ${where}`);
      await remove.getByRole("button", { name: "Delete source…" }).click();
      await remove.getByRole("button", { name: `Delete ${name}` }).click();
      await expect(page.getByRole("status").filter({ hasText: `${name} deleted, with its schema.` })).toBeVisible();
      await expect(rowOf(name)).toHaveCount(0);
      expect(await sql`select 1 from wfm.config_sources where name = ${name}`).toHaveLength(0);
      expect(await sql`select 1 from pg_namespace where nspname = ${schema}`).toHaveLength(0);
      expect(await sql`select 1 from pg_subscription where subname = ${subscriptionOf(name)}`).toHaveLength(0);
      expect(await config`select 1 from pg_replication_slots where slot_name = ${slot}`).toHaveLength(0);
      expect(await config`select count(*)::int as n from ${config(`${schema}.persons`)}`).toEqual([{ n: 2 }]);

      // Registered again over REST, with a second source of the same database: both stream.
      for (const source of [name, other]) {
        const created = await seen(await page.request.post("/api/v1/sources", { data: { name: source, kind: "replicated", connection } }));
        expect(created.status(), await created.text()).toBe(201);
      }
      await page.reload();
      await expect(stateOf(name)).toHaveText("streaming");
      await expect(stateOf(other)).toHaveText("streaming");
    } finally {
      await config.end();
    }

    // Their database stops: the open page shows them down, for how long, and why.
    await cluster.stop();
    await expect(stateOf(name)).toHaveText("down");
    await expect(replicationOf(name)).toContainText(/down for \d+ (s|min)/);
    await expect(replicationOf(name)).toContainText(`The Configuration Database at ${where} cannot be reached`);

    // REST refuses to delete one (503, naming its slot); with force=true it is deleted and the slot left is named.
    const otherSlot = await slotOf(other);
    const unavailable = await expectError(await seen(await page.request.delete(`/api/v1/sources/${other}`)), 503, "UNAVAILABLE");
    expect(unavailable.message).toContain(otherSlot);
    expect(await sql`select 1 from wfm.config_sources where name = ${other}`).toHaveLength(1);
    const forced = await seen(await page.request.delete(`/api/v1/sources/${other}?force=true`));
    expect(forced.status(), await forced.text()).toBe(200);
    const forcedBody: unknown = await forced.json();
    expectShape(sourceDeletedShape, forcedBody, "forced delete");
    expect(forcedBody).toEqual({ name: other, slotLeft: { slot: otherSlot, publisher: where, drop: `SELECT pg_drop_replication_slot('${otherSlot}');` } });
    expect(await sql`select 1 from wfm.config_sources where name = ${other}`).toHaveLength(0);

    // The page refuses too, naming the slot, and offers "Delete anyway", which deletes it and says what to drop there.
    const slot = await slotOf(name);
    const remove = page.getByRole("form", { name: `Delete ${name}`, exact: true });
    await remove.getByRole("button", { name: "Delete source…" }).click();
    await remove.getByRole("button", { name: `Delete ${name}` }).click();
    await expect(remove.getByRole("status")).toContainText(`cannot be reached to drop the replication slot ${slot}`);
    expect(await sql`select 1 from wfm.config_sources where name = ${name}`).toHaveLength(1);
    await page.getByRole("form", { name: `Delete ${name} anyway`, exact: true }).getByRole("button", { name: "Delete anyway" }).click();
    const notice = page.getByRole("status").filter({ hasText: `${name} deleted, with its schema.` });
    await expect(notice).toContainText(`Its Configuration Database at ${where} could not be reached, so its replication slot ${slot} is still there`);
    await expect(notice).toContainText(`SELECT pg_drop_replication_slot('${slot}');`);
    await expect(rowOf(name)).toHaveCount(0);
    expect(await sql`select 1 from wfm.config_sources where name = ${name}`).toHaveLength(0);
    expect(await sql`select 1 from pg_namespace where nspname = ${schema}`).toHaveLength(0);
    expect(await sql`select 1 from pg_subscription where subname = ${subscriptionOf(name)}`).toHaveLength(0);

    // No page, server-action answer, poll or REST answer held the password.
    await page.unrouteAll({ behavior: "ignoreErrors" });
    const everything = await Promise.all(bodies);
    expect(everything.filter((text) => text.includes(`subscribed to ${where}`)), "the add action's answer was read").not.toEqual([]);
    expect(everything.filter((text) => text.includes("no_such_database")).length, "the refused add's answers were read (the page's and REST's)").toBeGreaterThanOrEqual(2);
    const leaks = everything.filter((text) => text.includes(password)).map((text) => text.replaceAll(password, "<the password>").slice(0, 400));
    expect(leaks, "answers holding the password").toEqual([]);
  } finally {
    await sql.end();
  }
});
