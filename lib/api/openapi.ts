/**
 * The OpenAPI 3.1 document of REST API v1 (SPEC §6), served at /api/v1/openapi.json. Every request body and
 * query string is the very zod schema its route handler parses with, and every answer is a shape of
 * `./shapes`, so the document says what the code does. A test checks that each route file is described here
 * and that the document is valid OpenAPI.
 */
import { z } from "zod";
import { SESSION_COOKIE } from "../auth/cookie";
import { can, type Permission } from "../auth/roles";
import { credentialsSchema } from "../auth/sessions";
import { personInput, personPatch, skillLevelInput } from "../config/persons";
import { configListQuery, referenceKindNames, referenceKinds, sourceQuery } from "../config/reference";
import { SOURCE_NAME_PATTERN } from "../config/source-names";
import { newSourceInput } from "../config/sources";
import { agentPatch, agentSearch } from "../console/agents";
import { auditFilter } from "../console/audit";
import { eventQuery, runFilter } from "../console/runs";
import { preferencesInput } from "../console/preferences";
import { newServerInput, serverOptionsInput } from "../console/servers";
import { siteInput, sitePatch } from "../console/sites";
import { importUsersInput } from "../console/users";
import { listPage } from "./paging";
import * as shape from "./shapes";
import { deleteSourceQuery, sourceDeletedShape, sourceShape } from "./source-shapes";
import { BIGINT_ID_MAX, INT_ID_MAX } from "../input";

type Access = "public" | "signed-in" | Permission;

interface Operation {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  tag: string;
  access: Access;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Status → the answer's shape; null for an answer without a body. */
  answers: Record<number, { description: string; shape: z.ZodType | null }>;
  /** The 200 answer can also be a CSV file (asked for with `format=csv`). */
  csv?: boolean;
}

const ok = (shape: z.ZodType, description = "OK") => ({ 200: { description, shape } });
const created = (shape: z.ZodType) => ({ 201: { description: "Created", shape } });
const noContent = { 204: { description: "Done; no body", shape: null } };

const operations: Operation[] = [
  { method: "get", path: "/health", summary: "Liveness and database reachability", tag: "service", access: "public", answers: { ...ok(shape.healthShape), 503: { description: "The database is unreachable", shape: shape.healthShape } } },
  { method: "get", path: "/openapi.json", summary: "This document", tag: "service", access: "public", answers: ok(z.object({}).passthrough()) },
  { method: "get", path: "/session", summary: "The signed-in user", tag: "session", access: "signed-in", answers: ok(z.object({ user: shape.sessionUserShape })) },
  { method: "post", path: "/session", summary: "Sign in; sets the session cookie", tag: "session", access: "public", body: credentialsSchema, answers: { ...noContent, 401: { description: "Wrong user name or password (INVALID_CREDENTIALS)", shape: shape.errorShape }, 429: { description: "Too many failed attempts for this user name; wait", shape: shape.errorShape } } },
  { method: "patch", path: "/session", summary: "Change your own preferences: the time zone the console shows your times in", tag: "session", access: "self.preferences", body: preferencesInput.strict(), answers: ok(z.object({ user: shape.sessionUserShape })) },
  { method: "delete", path: "/session", summary: "Sign out", tag: "session", access: "public", answers: noContent },

  { method: "get", path: "/servers", summary: "Every WFM Server with its options, instances, cursor lag and current run", tag: "servers", access: "signed-in", query: listPage, answers: ok(shape.page(shape.serverShape)) },
  { method: "post", path: "/servers", summary: "Register a WFM Server before its first start", tag: "servers", access: "servers.write", body: newServerInput.strict(), answers: created(shape.serverShape) },
  { method: "get", path: "/servers/{name}", summary: "One WFM Server", tag: "servers", access: "signed-in", answers: ok(shape.serverShape) },
  { method: "patch", path: "/servers/{name}", summary: "Change a server's options", tag: "servers", access: "servers.write", body: serverOptionsInput.partial().strict(), answers: ok(shape.serverShape) },
  { method: "delete", path: "/servers/{name}", summary: "Remove a server that is not running; its sites become unassigned", tag: "servers", access: "servers.write", answers: noContent },
  { method: "post", path: "/servers/{name}/full-sync", summary: "Ask the server for a full sync: {runId} once started, {requestId} while queued", tag: "servers", access: "servers.fullSync", answers: { 202: { description: "Accepted", shape: shape.fullSyncStartedShape } } },

  { method: "get", path: "/sites", summary: "Every site with its time zone, switch, server and agent count", tag: "sites", access: "signed-in", query: listPage, answers: ok(shape.page(shape.siteShape)) },
  { method: "post", path: "/sites", summary: "Create a site", tag: "sites", access: "sites.write", body: siteInput.partial({ switchDbid: true, server: true }).strict(), answers: created(shape.siteShape) },
  { method: "get", path: "/sites/{id}", summary: "One site", tag: "sites", access: "signed-in", answers: ok(shape.siteShape) },
  { method: "patch", path: "/sites/{id}", summary: 'Edit a site; {"server": name | null} assigns or clears its WFM Server', tag: "sites", access: "sites.write", body: sitePatch, answers: ok(shape.siteChangeShape) },
  { method: "delete", path: "/sites/{id}", summary: "Delete a site; its agents keep their data without a site", tag: "sites", access: "sites.write", answers: noContent },

  { method: "get", path: "/agents", summary: "Search agents by name, username or employee id; filter by site, terminated, terminationSource, awaitingFullSync, cfgDbid; sort by id, name or username; with how many match (total)", tag: "agents", access: "signed-in", query: agentSearch, answers: { ...ok(shape.countedPage(shape.agentShape)), 503: { description: "A first import of agents (a cold import) holds them until it commits: try again after Retry-After", shape: shape.errorShape } } },
  { method: "get", path: "/agents/{id}", summary: "One agent with its skills", tag: "agents", access: "signed-in", answers: ok(shape.agentShape) },
  { method: "patch", path: "/agents/{id}", summary: "terminationDate terminates or reinstates (supervisor, admin); siteId moves the agent (admin)", tag: "agents", access: "agents.terminate", body: agentPatch, answers: ok(shape.agentShape) },
  { method: "post", path: "/agents/{id}/sync", summary: "A targeted sync of this agent (Sync now)", tag: "agents", access: "agents.sync", answers: { 202: { description: "Accepted", shape: shape.fullSyncStartedShape } } },

  { method: "get", path: "/audit", summary: "The audit trail of manual acts on agents, sites and servers, newest first; filter by user, object, action and time", tag: "audit", access: "signed-in", query: auditFilter, answers: ok(shape.page(shape.auditShape)) },

  { method: "get", path: "/skills", summary: "The skills imported into WFM", tag: "reference data", access: "signed-in", query: listPage, answers: ok(shape.page(shape.skillShape)) },
  { method: "get", path: "/time-zones", summary: "The time zones imported into WFM", tag: "reference data", access: "signed-in", query: listPage, answers: ok(shape.page(shape.timeZoneShape)) },
  { method: "get", path: "/validation", summary: "Duplicate names across tenants and agents without a site", tag: "reference data", access: "signed-in", answers: ok(shape.validationShape) },

  { method: "get", path: "/users", summary: "WFM users", tag: "users", access: "signed-in", query: listPage, answers: ok(shape.page(shape.userShape)) },
  { method: "post", path: "/users/import", summary: "Import cfg persons as WFM users with a role", tag: "users", access: "users.write", body: importUsersInput.strict(), answers: created(shape.importResultShape) },

  { method: "get", path: "/sync/runs", summary: "Sync runs, newest first; filter by server, kind, status, start time and agent", tag: "sync log", access: "signed-in", query: runFilter, answers: ok(shape.page(shape.runShape)) },
  { method: "get", path: "/sync/runs/{id}", summary: "One run with its counts and progress", tag: "sync log", access: "signed-in", answers: ok(shape.runShape) },
  { method: "get", path: "/sync/runs/{id}/events", summary: "A run's log, filtered by action, object type, text and time; format=csv answers the whole matching log as a file", tag: "sync log", access: "signed-in", query: eventQuery, answers: ok(shape.page(shape.eventShape)), csv: true },

  { method: "get", path: "/sources", summary: "The configuration sources: each one's kind, schema, change-feed position, counts and servers", tag: "sources", access: "signed-in", query: listPage, answers: ok(shape.page(sourceShape)) },
  { method: "post", path: "/sources", summary: 'Add a source. {"kind": "local"}: its schema with cfg\'s tables and a change feed of its own. {"kind": "replicated", "connection": "postgres://user:password@host:5432/configdb"}: its own PostgreSQL is checked (it must have run npm run cfg-source -- init), then its schema and a subscription to that publication are made; the connection\'s password is never answered', tag: "sources", access: "sources.write", body: newSourceInput, answers: { ...created(sourceShape), 503: { description: "The replicated source's Configuration Database cannot be reached; nothing was made", shape: shape.errorShape } } },
  { method: "get", path: "/sources/{name}", summary: "One configuration source; a replicated one with its subscription's state (copying, streaming, catching up, down), copy progress, lag and last message", tag: "sources", access: "signed-in", answers: ok(sourceShape) },
  {
    method: "delete",
    path: "/sources/{name}",
    summary: "Delete a source and its schema, and a replicated source's subscription with its replication slot on the publisher; refused for main, and while a server belongs to it or WFM holds objects from it",
    tag: "sources",
    access: "sources.write",
    query: deleteSourceQuery,
    answers: {
      204: { description: "Deleted; nothing is left, on the publisher either", shape: null },
      200: { description: "Deleted in WFM with force=true while its Configuration Database could not be reached: the replication slot left there, and the SQL that drops it", shape: sourceDeletedShape },
      503: { description: "A replicated source's Configuration Database cannot be reached to drop its replication slot: nothing was deleted; try again later, or delete with force=true", shape: shape.errorShape },
    },
  },

  ...referenceKindNames.flatMap((name): Operation[] => {
    const kind = referenceKinds[name];
    const one = shape.cfgShapes[name];
    return [
      { method: "get", path: `/config/${kind.path}`, summary: `cfg ${kind.noun} objects, by dbid`, tag: "configuration database", access: "config.read", query: configListQuery, answers: ok(shape.page(one)) },
      { method: "post", path: `/config/${kind.path}`, summary: `Create a ${kind.noun} in the source's cfg`, tag: "configuration database", access: "config.write", query: sourceQuery, body: kind.create, answers: created(one) },
      { method: "get", path: `/config/${kind.path}/{dbid}`, summary: `One cfg ${kind.noun}`, tag: "configuration database", access: "config.read", query: sourceQuery, answers: ok(one) },
      { method: "patch", path: `/config/${kind.path}/{dbid}`, summary: `Change a cfg ${kind.noun}`, tag: "configuration database", access: "config.write", query: sourceQuery, body: kind.patch, answers: ok(one) },
      { method: "delete", path: `/config/${kind.path}/{dbid}`, summary: `Delete a cfg ${kind.noun} and what cfg's keys take with it`, tag: "configuration database", access: "config.write", query: sourceQuery, answers: noContent },
    ];
  }),
  { method: "get", path: "/config/persons", summary: "cfg persons with their logins and skill levels", tag: "configuration database", access: "config.read", query: configListQuery, answers: ok(shape.page(shape.cfgPersonShape)) },
  { method: "post", path: "/config/persons", summary: "Create a person with logins and skill levels, in one cfg transaction", tag: "configuration database", access: "config.write", query: sourceQuery, body: personInput, answers: created(shape.cfgPersonShape) },
  { method: "get", path: "/config/persons/{dbid}", summary: "One cfg person", tag: "configuration database", access: "config.read", query: sourceQuery, answers: ok(shape.cfgPersonShape) },
  { method: "patch", path: "/config/persons/{dbid}", summary: "Change any field; a given logins or skills list replaces the old one", tag: "configuration database", access: "config.write", query: sourceQuery, body: personPatch, answers: ok(shape.cfgPersonShape) },
  { method: "delete", path: "/config/persons/{dbid}", summary: "Delete a person; its logins are freed and sync terminates its agent", tag: "configuration database", access: "config.write", query: sourceQuery, answers: noContent },
  { method: "put", path: "/config/persons/{dbid}/skills/{skillDbid}", summary: "Set one skill level", tag: "configuration database", access: "config.write", query: sourceQuery, body: skillLevelInput, answers: ok(shape.cfgPersonShape) },
  { method: "delete", path: "/config/persons/{dbid}/skills/{skillDbid}", summary: "Remove one skill level", tag: "configuration database", access: "config.write", query: sourceQuery, answers: noContent },
];

/** The operations the document lists, as "METHOD /path" (for the test that every route file is described). */
export const documentedOperations = () => operations.map((o) => `${o.method.toUpperCase()} ${o.path}`);

type Json = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), its named parts moved into `components`. */
function jsonSchema(schema: z.ZodType, io: "input" | "output", components: Record<string, unknown>): Json {
  const { $schema: _, $defs, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json & { $defs?: Record<string, Json> };
  const relink = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/'));
  for (const [id, def] of Object.entries($defs ?? {})) components[id] = relink(def);
  return relink(rest);
}

const roleText = (access: Access) =>
  access === "public"
    ? "No sign-in needed."
    : access === "signed-in"
      ? "Any signed-in user (viewer, supervisor, admin)."
      : `Roles: ${(["admin", "supervisor", "viewer"] as const).filter((role) => can({ role }, access)).join(", ")}.`;

/** Path parameters: a server's or source's name, or an id no larger than its column holds (lib/input). */
const pathParameter = (name: string, path: string) => {
  const source = name === "name" && path.startsWith("/sources/");
  return {
    name,
    in: "path",
    required: true,
    schema:
      name === "name"
        ? source ? { type: "string", pattern: SOURCE_NAME_PATTERN.source } : { type: "string" }
        : { type: "integer", minimum: 1, maximum: name === "id" && !path.startsWith("/sync/") ? INT_ID_MAX : BIGINT_ID_MAX },
    description: source ? "the configuration source's name" : name === "name" ? "the WFM Server's name" : `the ${name}, a positive whole number`,
  };
};

export function openApiDocument(): Json {
  const components: Record<string, unknown> = {};
  const errorRef = { $ref: "#/components/schemas/Error" };
  jsonSchema(shape.errorShape, "output", components);
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of operations) {
    const parameters = [
      ...[...op.path.matchAll(/\{(\w+)\}/g)].map((m) => pathParameter(m[1]!, op.path)),
      ...Object.entries(op.query?.shape ?? {}).map(([name, field]) => ({
        name,
        in: "query",
        required: !(field as z.ZodType).safeParse(undefined).success,
        schema: jsonSchema(field as z.ZodType, "input", components),
      })),
    ];
    const responses: Record<string, Json> = {};
    for (const [status, answer] of Object.entries(op.answers)) {
      const csv = op.csv && status === "200" ? { "text/csv": { schema: { type: "string", description: "a header line, then one line per event: id, runId, at, objectType, objectKey, objectName, action, message" } } } : {};
      responses[status] = answer.shape
        ? { description: answer.description, content: { "application/json": { schema: jsonSchema(answer.shape, "output", components) }, ...csv } }
        : { description: answer.description };
    }
    const refusals: [number, string, boolean][] = [
      [400, "Bad input: a bad body, query string or path id; details name each field", Boolean(op.body || op.query || /\{(id|dbid|skillDbid)\}/.test(op.path))],
      [401, "Not signed in: no session cookie or bearer token", op.access !== "public"],
      [403, "The role may not do this, or a cookie-authenticated write came from another origin", op.access !== "public" && op.access !== "signed-in"],
      [404, "No such object, here or named in the body", /\{/.test(op.path) || (Boolean(op.body) && op.access !== "public")],
      [409, "Conflicts with what exists (a name taken, a server still running)", op.method !== "get" && op.access !== "public"],
    ];
    for (const [status, description, applies] of refusals) {
      if (applies && !responses[status]) responses[status] = { description, content: { "application/json": { schema: errorRef } } };
    }
    (paths[op.path] ??= {})[op.method] = {
      operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, "By-$1").replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
      summary: op.summary,
      description: roleText(op.access),
      tags: [op.tag],
      ...(op.access === "public" ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body, "input", components) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "wfm-sync REST API",
      version: "1",
      description:
        "Workforce-management data synchronization: WFM Servers, sites, agents, the sync log, users, and the Configuration Databases (sources). " +
        'Errors are {"error": {"code", "message", "details"}}. Lists answer {"items", "next"}; pass `next` back as `cursor`.',
    },
    servers: [{ url: "/api/v1" }],
    security: [{ session: [] }, { bearer: [] }],
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: SESSION_COOKIE, description: "Set by POST /session" },
        bearer: { type: "http", scheme: "bearer", description: "An API token an administrator creates on the Users page" },
      },
    },
  };
}
