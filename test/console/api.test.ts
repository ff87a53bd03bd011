import { describe, expect, it } from "vitest";
import { cloudErrorOf } from "../../console/src/api.js";
import { subnetOfAddress } from "../../console/src/topology-index.js";
import { ERRORS } from "../../src/errors/registry.js";
import { errorBody } from "../../src/http/errors/render.js";

describe("the page reads the cloud's errors", () => {
  it("finds code and message in every envelope the registry answers in", () => {
    for (const spec of Object.values(ERRORS)) {
      const error = cloudErrorOf(spec.status, errorBody(spec, `${spec.code} happened`, "req-1"), "req-1");
      expect([error.status, error.code, error.message, error.requestId]).toEqual([
        spec.status,
        spec.code,
        `${spec.code} happened`,
        "req-1",
      ]);
    }
  });

  it("still says something for a body in no envelope", () => {
    expect(cloudErrorOf(502, "Bad gateway").code).toBe("HTTP 502");
    expect(cloudErrorOf(502, "Bad gateway").message).toBe("Bad gateway");
    expect(cloudErrorOf(500, undefined).message).toBe("The request failed.");
  });
});

describe("the bind form picks the subnet of a typed address", () => {
  const vpc = {
    id: "v",
    name: "v",
    cidr: "192.168.0.0/16",
    servers: [],
    vips: [],
    bindings: [],
    subnets: [
      { id: "a", name: "a", cidr: "192.168.0.0/24", gatewayIp: "192.168.0.1", used: 3, free: 251 },
      { id: "b", name: "b", cidr: "192.168.1.0/28", gatewayIp: "192.168.1.1", used: 3, free: 11 },
    ],
  };
  it.each([
    ["192.168.0.100", "a"],
    ["192.168.1.14", "b"],
    ["192.168.1.16", undefined],
    ["192.168.1", undefined],
    ["192.168.0.256", undefined],
  ])("%s is in %s", (ip, subnet) => {
    expect(subnetOfAddress(vpc, ip)).toBe(subnet);
  });
});
