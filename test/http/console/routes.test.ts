import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildConsole } from "../../../scripts/build-console.js";
import { readAsset } from "../../../src/http/console/assets.js";
import { createInjectApp, type InjectApp } from "../../support/inject-app.js";

let h: InjectApp;

beforeAll(async () => {
  await buildConsole();
  h = await createInjectApp({ secondProject: true });
});
afterAll(() => h.close());
beforeEach(() => h.reset());

async function makeVpc(name: string, cidr = "192.168.0.0/16") {
  const created = await h.call("POST", `/v1/${h.projectId}/vpcs`, { vpc: { name, cidr } });
  expect(created.status).toBe(200);
  return created.body.vpc.id as string;
}

describe("GET /console/api/topology", () => {
  it("needs a token, like every API call", async () => {
    const response = await h.call("GET", "/console/api/topology", undefined, { "x-auth-token": "" });
    expect(response.status).toBe(401);
    expect(response.body.error_code).toBe("APIGW.0301");
  });

  it("answers the caller's project, with an entity tag that turns an unchanged poll into a 304", async () => {
    const vpcId = await makeVpc("vpc-1");
    const first = await h.call("GET", "/console/api/topology");
    expect(first.status).toBe(200);
    expect(first.body.projectId).toBe(h.projectId);
    expect(first.body.vpcs.map((v: { id: string }) => v.id)).toEqual([vpcId]);
    const tag = String(first.headers.etag);
    expect(tag).toMatch(/^"[\w-]+"$/);

    const again = await h.call("GET", "/console/api/topology", undefined, { "if-none-match": tag });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");

    await makeVpc("vpc-2", "10.0.0.0/16");
    const changed = await h.call("GET", "/console/api/topology", undefined, { "if-none-match": tag });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(tag);
    expect(changed.body.vpcs.map((v: { name: string }) => v.name)).toEqual(["vpc-1", "vpc-2"]);
  });

  it("shows nothing of another project", async () => {
    await makeVpc("vpc-1");
    const foreign = await h.call("GET", "/console/api/topology", undefined, { "x-auth-token": h.foreignToken });
    expect(foreign.status).toBe(200);
    expect(foreign.body.vpcs).toEqual([]);
  });
});

describe("GET /console and its assets", () => {
  it("serves the page without a token, allowing nothing from outside the origin", async () => {
    const page = await h.call("GET", "/console", undefined, { "x-auth-token": "" });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.text).toContain('src="/console/assets/console.js"');
    expect(page.text).not.toMatch(/https?:\/\//);
    const policy = String(page.headers["content-security-policy"]);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");

    for (const [name, type] of [
      ["console.js", "text/javascript"],
      ["console.css", "text/css"],
    ]) {
      const asset = await h.call("GET", `/console/assets/${name}`, undefined, { "x-auth-token": "" });
      expect(asset.status).toBe(200);
      expect(asset.headers["content-type"]).toContain(type);
      expect(asset.text.length).toBeGreaterThan(100);
      expect(asset.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    }
  });

  it("answers 404 for names the build does not write, and never reads outside its folder", async () => {
    for (const url of ["/console/assets/missing.js", "/console/assets/..%2Fpackage.json", "/console/assets/.env"]) {
      const response = await h.call("GET", url, undefined, { "x-auth-token": "" });
      expect(response.status, url).toBe(404);
      expect(response.body.error_code, url).toBe("APIGW.0101");
    }
    const dir = mkdtempSync(join(tmpdir(), "ecs-vip-assets-"));
    try {
      writeFileSync(join(dir, "app.js"), "ok");
      expect((await readAsset("app.js", `${dir}/`))?.body.toString()).toBe("ok");
      expect(await readAsset("../app.js", `${dir}/sub/`)).toBeUndefined();
      expect(await readAsset("app.exe", `${dir}/`)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
