import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERRORS } from "../../../src/errors/registry.js";
import { nicVipSchema } from "../../../src/http/ecs/schemas.js";
import { discoverAllRoutes } from "../../fuzz/catalog.js";
import { createInjectApp, type InjectApp } from "../../support/inject-app.js";

type Json = Record<string, any>;

/** Every `enum` of error codes anywhere in the document (error envelopes name their codes that way). */
function documentedCodes(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) documentedCodes(item, into);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "enum" && Array.isArray(value)) for (const v of value) into.add(String(v));
      else documentedCodes(value, into);
    }
  }
  return into;
}

const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

describe("OpenAPI document and /docs", () => {
  let harness: InjectApp;
  let doc: Json;

  beforeAll(async () => {
    harness = await createInjectApp();
    const response = await harness.app.inject({ method: "GET", url: "/openapi.json" });
    expect(response.statusCode).toBe(200);
    doc = response.json();
  });
  afterAll(() => harness.close());

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("describes every route of the app with a unique operationId and its path parameters", () => {
    const routes = discoverAllRoutes(harness.app).filter((route) => route.method !== "HEAD");
    expect(routes.length).toBeGreaterThan(30);
    const ids = new Set<string>();
    for (const route of routes) {
      const operation = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation.operationId).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
      expect(ids.has(operation.operationId), operation.operationId).toBe(false);
      ids.add(operation.operationId);
      const pathParams = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
      const documented = (operation.parameters ?? []).filter((p: Json) => p.in === "path").map((p: Json) => p.name);
      expect(documented.sort()).toEqual(pathParams.sort());
      expect(Object.keys(operation.responses).some((status) => status.startsWith("2") || status === "300")).toBe(true);
    }
  });

  it("has every route declare its name, tag and summary where it is registered, and documents it by that name", () => {
    const catalog = harness.app.routeCatalog;
    // Every route Fastify routes is in the catalog (HEAD twins of GET routes included).
    for (const route of discoverAllRoutes(harness.app)) {
      const entry = catalog.find((r) => r.method === route.method && r.url === route.path);
      expect(entry, `${route.method} ${route.path}`).toBeDefined();
    }
    const unnamed = catalog.filter((route) => !route.named).map((route) => `${route.method} ${route.url}`);
    expect(unnamed, "declare schema.operationId where these routes are registered").toEqual([]);
    const untagged = catalog.filter((route) => route.tags.length !== 1).map((route) => `${route.method} ${route.url}`);
    expect(untagged, "declare schema.tags where these routes are registered").toEqual([]);
    // @fastify/swagger leaves HEAD routes out of the document.
    for (const route of catalog.filter((r) => r.method !== "HEAD")) {
      const operation = doc.paths[openApiPath(route.url)][route.method.toLowerCase()];
      expect(operation.operationId, `${route.method} ${route.url}`).toBe(route.operationId);
      expect(operation.summary, `${route.method} ${route.url}`).toMatch(/\S/);
      expect(operation.tags).toEqual(route.tags);
    }
  });

  it("names every error code of the registry", () => {
    const codes = documentedCodes(doc);
    const missing = Object.values(ERRORS)
      .map((spec) => spec.code)
      .filter((code) => !codes.has(code));
    expect(missing).toEqual([]);
  });

  it("takes request bodies from the schemas that validate them, and lists the bind's own errors", () => {
    const bind = doc.paths["/v1/{project_id}/cloudservers/nics/{nic_id}"].put;
    expect(bind.operationId).toBe("associateServerVirtualIp");
    expect(bind.requestBody.content["application/json"].schema).toEqual(JSON.parse(JSON.stringify(nicVipSchema)));
    const bad = documentedCodes(bind.responses["400"]);
    for (const code of ["Ecs.0010", "Ecs.0039", "Ecs.0005", "Ecs.0023", "APIGW.0201"]) expect(bad).toContain(code);
    expect(documentedCodes(bind.responses["401"])).toEqual(new Set(["APIGW.0301"]));
    expect(bind.responses["200"].content["application/json"].schema.properties.port_id).toBeDefined();
    const token = doc.paths["/v3/auth/tokens"].post;
    expect(token.security).toEqual([]);
    expect(token.responses["401"]).toBeDefined();
  });

  it("serves /docs as one self-contained HTML page naming every operation", async () => {
    const response = await harness.app.inject({ method: "GET", url: "/docs" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    const html = response.body;
    expect(html).not.toMatch(/<script|<link|@import|(src|href)="(https?:)?\/\//i);
    for (const item of Object.values(doc.paths as Json)) {
      for (const operation of Object.values(item as Json)) expect(html).toContain(`id="${operation.operationId}"`);
    }
  });
});
