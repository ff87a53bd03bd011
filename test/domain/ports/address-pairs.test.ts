import { describe, expect, it } from "vitest";
import { dedupePairs, withoutPairs, withPair } from "../../../src/domain/ports/address-pairs.js";
import { generateMac, isMac } from "../../../src/domain/ports/mac.js";

const a = { ipAddress: "10.0.0.5", macAddress: "fa:16:3e:00:00:01" };
const b = { ipAddress: "10.0.0.6", macAddress: "fa:16:3e:00:00:01" };

describe("allowed address pairs are a set", () => {
  it("adds a new pair and reports the change", () => {
    expect(withPair([a], b)).toEqual({ pairs: [a, b], changed: true });
  });
  it("adding an existing pair changes nothing", () => {
    expect(withPair([a, b], { ...a })).toEqual({ pairs: [a, b], changed: false });
  });
  it("the same IP with another MAC is another pair", () => {
    expect(withPair([a], { ...a, macAddress: "fa:16:3e:00:00:02" }).changed).toBe(true);
  });
  it("removes by predicate", () => {
    expect(withoutPairs([a, b], (p) => p.ipAddress === "10.0.0.5")).toEqual({ pairs: [b], changed: true });
    expect(withoutPairs([a, b], () => false).changed).toBe(false);
  });
  it("dedupes keeping first-seen order", () => {
    expect(dedupePairs([b, a, b, a])).toEqual([b, a]);
  });
});

describe("MAC addresses", () => {
  it("are generated in the fa:16:3e prefix", () => {
    let n = 0;
    const mac = generateMac(() => [0x0a, 0xff, 0x00][n++] ?? 0);
    expect(mac).toBe("fa:16:3e:0a:ff:00");
    expect(isMac(mac)).toBe(true);
  });
  it("are validated", () => {
    expect(isMac("FA:16:3E:0A:FF:00")).toBe(true);
    expect(isMac("fa:16:3e:0a:ff")).toBe(false);
    expect(isMac("fa-16-3e-0a-ff-00")).toBe(false);
  });
});
