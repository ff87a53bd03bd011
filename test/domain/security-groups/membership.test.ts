import { describe, expect, it } from "vitest";
import { changeMembership } from "../../../src/domain/security-groups/membership.js";

describe("a port's membership of one group", () => {
  const port = { securityGroupIds: ["a", "b"], portSecurityEnabled: true };

  it("adds a group at the end, and adding it again changes nothing", () => {
    expect(changeMembership(port, "c", "add")).toEqual({ ok: true, groupIds: ["a", "b", "c"], changed: true });
    expect(changeMembership(port, "a", "add")).toEqual({ ok: true, groupIds: ["a", "b"], changed: false });
  });

  it("removes a group, but never the last one; removing one the port lacks changes nothing", () => {
    expect(changeMembership(port, "a", "remove")).toEqual({ ok: true, groupIds: ["b"], changed: true });
    expect(changeMembership(port, "z", "remove")).toEqual({ ok: true, groupIds: ["a", "b"], changed: false });
    expect(changeMembership({ ...port, securityGroupIds: ["a"] }, "a", "remove")).toEqual({
      ok: false,
      reason: "last-group",
    });
  });

  it("gives no group to a port with port security off", () => {
    expect(changeMembership({ securityGroupIds: [], portSecurityEnabled: false }, "a", "add")).toEqual({
      ok: false,
      reason: "port-security-disabled",
    });
  });
});
