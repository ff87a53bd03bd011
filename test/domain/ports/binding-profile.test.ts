import { describe, expect, it } from "vitest";
import { bindingProfileTooDeep, nestsDeeperThan } from "../../../src/domain/ports/binding-profile.js";

describe("binding:profile depth", () => {
  it("counts objects and arrays as levels, and scalars as none", () => {
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan({ a: {} }, 1)).toBe(true);
    expect(nestsDeeperThan({ a: [1, 2] }, 2)).toBe(false);
    expect(nestsDeeperThan({ a: [{}] }, 2)).toBe(true);
    expect(nestsDeeperThan("text", 0)).toBe(false);
  });

  it("takes 16 levels, refuses 17, and walks any depth without recursion", () => {
    const nest = (levels: number) => {
      let value: unknown = {};
      for (let i = 1; i < levels; i++) value = { a: value };
      return value;
    };
    expect(bindingProfileTooDeep(nest(16))).toBe(false);
    expect(bindingProfileTooDeep(nest(17))).toBe(true);
    expect(bindingProfileTooDeep(nest(200_000))).toBe(true);
  });
});
