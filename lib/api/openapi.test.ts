/**
 * The OpenAPI document is valid OpenAPI 3.1, describes exactly the routes that exist (every method exported
 * by every route file under app/api/v1, and nothing more), and its shapes accept what the product answers.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { documentedOperations, openApiDocument } from "./openapi";

const API = path.resolve("app/api/v1");

/** "METHOD /path" for every handler exported by a route file, with [param] segments written {param}. */
function routeOperations(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith("_")) walk(full);
      else if (entry.name === "route.ts") {
        const route = "/" + path.relative(API, dir).split(path.sep).map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
        const source = readFileSync(full, "utf8");
        for (const [, method] of source.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)) {
          // /config/{kind} stands for the four reference kinds the document spells out.
          if (route.startsWith("/config/{kind}")) {
            for (const kind of ["tenants", "switches", "time-zones", "skills"]) found.push(`${method} ${route.replace("{kind}", kind)}`);
          } else found.push(`${method} ${route}`);
        }
      }
    }
  };
  walk(API);
  return found.sort();
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const result = await new Validator().validate(openApiDocument());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("describes every route the API has, and no route it lacks", () => {
    expect([...documentedOperations()].sort()).toEqual(routeOperations());
  });

  it("uses the routes' own schemas: limits, enums and required fields show through", () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { parameters?: { name: string; schema: Record<string, unknown> }[]; requestBody?: { content: { "application/json": { schema: Record<string, unknown> } } } }>>; components: { schemas: Record<string, unknown> } };
    const limit = doc.paths["/agents"]!.get!.parameters!.find((p) => p.name === "limit")!;
    expect(limit.schema).toMatchObject({ maximum: 200, minimum: 1, default: 50 });
    const person = doc.paths["/config/persons"]!.post!.requestBody!.content["application/json"].schema;
    expect(person).toMatchObject({ required: ["tenantDbid", "username"], additionalProperties: false });
    const levelBody = doc.paths["/config/persons/{dbid}/skills/{skillDbid}"]!.put!.requestBody!.content["application/json"].schema;
    expect(levelBody).toMatchObject({ properties: { level: { minimum: 0, maximum: 10 } } });
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["Error", "Agent", "Run", "Event", "Site", "Server", "CfgPerson", "Validation", "Source"]));
  });

  it("gives every config operation ?source= (default main) and names sources by their rule in paths", () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: Record<string, unknown> }[] }>> };
    for (const [path, methods] of Object.entries(doc.paths).filter(([p]) => p.startsWith("/config/"))) {
      for (const [method, op] of Object.entries(methods)) {
        const source = op.parameters?.find((p) => p.name === "source" && p.in === "query");
        expect(source?.schema, `${method} ${path}`).toMatchObject({ type: "string", default: "main" });
      }
    }
    const name = doc.paths["/sources/{name}"]!.delete!.parameters!.find((p) => p.name === "name")!;
    expect(name.schema).toEqual({ type: "string", pattern: "^[a-z][a-z0-9_]{0,30}$" });
  });

  it("documents replicated sources: both kinds of POST body, DELETE's force query and what it answers, and the replication object", () => {
    type Schema = Record<string, unknown> & { anyOf?: Schema[]; oneOf?: Schema[]; properties?: Record<string, Schema>; required?: string[] };
    type Op = { parameters?: { name: string; in: string; required: boolean; schema: Schema }[]; requestBody?: { content: { "application/json": { schema: Schema } } }; responses: Record<string, { content?: { "application/json": { schema: Schema } } }> };
    const doc = openApiDocument() as { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, Schema> } };
    const body = doc.paths["/sources"]!.post!.requestBody!.content["application/json"].schema;
    // One of two shapes, told apart by kind.
    const replicated = body.oneOf!.find((option) => option.properties?.kind?.const === "replicated")!;
    expect(replicated).toMatchObject({ required: expect.arrayContaining(["name", "kind", "connection"]), additionalProperties: false, properties: { connection: { type: "string", maxLength: 2000 } } });
    expect(body.oneOf!.find((option) => option.properties?.kind?.const === "local")).toMatchObject({ additionalProperties: false });
    expect(Object.keys(doc.paths["/sources"]!.post!.responses)).toEqual(expect.arrayContaining(["201", "503"]));

    const remove = doc.paths["/sources/{name}"]!.delete!;
    expect(remove.parameters!.find((p) => p.name === "force")).toMatchObject({ in: "query", required: false, schema: { type: "string", enum: ["true", "false"] } });
    expect(Object.keys(remove.responses).sort()).toEqual(["200", "204", "400", "401", "403", "404", "409", "503"]);
    expect(remove.responses["200"]!.content!["application/json"].schema).toEqual({ $ref: "#/components/schemas/SourceDeleted" });
    expect(doc.components.schemas.SourceDeleted).toMatchObject({ required: ["name", "slotLeft"], properties: { slotLeft: { required: ["slot", "publisher", "drop"] } } });

    const replication = doc.components.schemas.Source!.properties!.replication!.anyOf!.find((option) => option.type === "object")!;
    expect(replication.properties!.state).toMatchObject({ enum: ["copying", "streaming", "catching up", "down"] });
    expect(Object.keys(replication.properties!).sort()).toEqual(["copy", "downSince", "lagBytes", "lagSeconds", "lastMessageAt", "problem", "publisher", "state"]);
  });
});
