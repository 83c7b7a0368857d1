/**
 * The contract outside tools rely on (SPEC §6.1): real answers from the running product parse with the very
 * shapes the OpenAPI document is generated from, strictly (no field missing, none renamed), and the document
 * itself is served without a session.
 */
import { expect, test, type APIResponse } from "@playwright/test";
import { z } from "zod";
import * as shape from "../lib/api/shapes";
import { sourceShape } from "../lib/api/source-shapes";
import { adminPassword, expectShape } from "./helpers";

/** Strict at the top level: an extra or missing field in an answer fails here before a user's tool notices. */
const exactly = (schema: z.ZodType) => (schema instanceof z.ZodObject ? schema.strict() : schema);
test("answers match the documented shapes, and /openapi.json is served", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  const served = await anonymous.get("/api/v1/openapi.json");
  expect(served.status()).toBe(200);
  const document = await served.json();
  expect(document).toMatchObject({ openapi: "3.1.0", info: { title: "wfm-sync REST API" } });
  expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/agents", "/config/persons", "/sync/runs/{id}/events"]));

  const admin = await playwright.request.newContext({ baseURL });
  expect((await admin.post("/api/v1/session", { data: { username: "admin", password: adminPassword() } })).status()).toBe(204);
  const get = async (path: string) => {
    const response = await admin.get(`/api/v1${path}`);
    expect(response.status(), path).toBe(200);
    return response.json();
  };
  const parse = (schema: z.ZodType, value: unknown, where: string) => expectShape(schema, value, where);
  const list = async (path: string, item: z.ZodType) => {
    const page = await get(path);
    parse(z.object({ items: z.array(exactly(item)), next: z.string().nullable() }).strict(), page, path);
    expect(page.items.length, `${path} has items`).toBeGreaterThan(0);
    return page.items;
  };

  parse(shape.healthShape, await (await anonymous.get("/api/v1/health")).json(), "/health");
  const [server] = await list("/servers", shape.serverShape);
  parse(shape.serverShape, await get(`/servers/${server.name}`), "/servers/{name}");
  const [site] = await list("/sites", shape.siteShape);
  parse(shape.siteShape, await get(`/sites/${site.id}`), "/sites/{id}");
  const agents = await get("/agents?limit=5");
  parse(shape.countedPage(exactly(shape.agentShape)).strict(), agents, "/agents");
  const [agent] = agents.items;
  parse(shape.agentShape, await get(`/agents/${agent.id}`), "/agents/{id}");
  await list("/skills", shape.skillShape);
  await list("/time-zones", shape.timeZoneShape);
  await list("/users", shape.userShape);
  parse(shape.validationShape, await get("/validation"), "/validation");
  const runs = await list("/sync/runs?kind=full", shape.runShape);
  parse(shape.runShape, await get(`/sync/runs/${runs.at(-1).id}`), "/sync/runs/{id}");
  await list(`/sync/runs/${runs.at(-1).id}/events?limit=20`, shape.eventShape);
  for (const [kind, cfgShape] of Object.entries(shape.cfgShapes)) {
    const [one] = await list(`/config/${kind}?limit=3`, cfgShape);
    parse(cfgShape, await get(`/config/${kind}/${one.dbid}`), `/config/${kind}/{dbid}`);
  }
  const [person] = await list("/config/persons?limit=3", shape.cfgPersonShape);
  parse(shape.cfgPersonShape, await get(`/config/persons/${person.dbid}`), "/config/persons/{dbid}");
  const [source] = await list("/sources", sourceShape);
  parse(sourceShape, await get(`/sources/${source.name}`), "/sources/{name}");
  parse(z.object({ user: shape.sessionUserShape }), await get("/session"), "/session");
});

test("what a buggy integration sends is refused in the SPEC's shape, and nothing is stored changed", async ({ playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  expect((await admin.post("/api/v1/session", { data: { username: "admin", password: adminPassword() } })).status()).toBe(204);
  const refused = async (response: APIResponse, status: number, message: RegExp) => {
    expect(response.status(), await response.text()).toBe(status);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
  };
  const name = `Enc ${Date.now()}`;
  // Text in another encoding, or not UTF-8 at all, would be stored with replacement characters: refused.
  await refused(
    await admin.post("/api/v1/config/tenants", { headers: { "content-type": "application/json; charset=iso-8859-1" }, data: Buffer.from(`{"name":"${name} Jos\xe9"}`, "latin1") }),
    400,
    /UTF-8 JSON; it says charset=iso-8859-1/,
  );
  await refused(
    await admin.post("/api/v1/config/tenants", { headers: { "content-type": "application/json" }, data: Buffer.concat([Buffer.from(`{"name":"${name} `), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]) }),
    400,
    /not valid UTF-8/,
  );
  await refused(
    await admin.post("/api/v1/config/tenants", { headers: { "content-type": "application/json" }, data: `{"name":"${name} \\ud800"}` }),
    400,
    /unpaired surrogate/,
  );
  await refused(await admin.post("/api/v1/config/tenants", { data: { name, pad: "x".repeat(2_000_000) } }), 413, /at most 1,048,576 bytes/);
  const tenants = (await (await admin.get("/api/v1/config/tenants?limit=1000")).json()).items as { name: string }[];
  expect(tenants.filter((t) => t.name.startsWith(name))).toEqual([]);

  // Addresses: a query parameter the endpoint does not take, an id that is not digits, a path that is no endpoint.
  await refused(await admin.get("/api/v1/agents?offset=10"), 400, /offset/);
  await refused(await admin.get("/api/v1/agents/1e3"), 400, /id is a positive whole number/);
  await refused(await admin.get("/api/v1/nothing/here"), 404, /no endpoint \/api\/v1\/nothing\/here/);

  // A browser's cross-site write is refused even without an Origin header.
  await refused(await admin.post("/api/v1/config/tenants", { data: { name }, headers: { "sec-fetch-site": "cross-site" } }), 403, /Cross-site writes are refused/);
});
