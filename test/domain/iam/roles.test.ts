import { describe, expect, it } from "vitest";
import { isAcceptablePassword, isValidUserName } from "../../../src/domain/iam/names.js";
import { actionMatches, roleByDisplayName, rolesAllow, SYSTEM_ROLES } from "../../../src/domain/iam/roles.js";

const id = (name: string) => roleByDisplayName(name)?.id as string;

describe("IAM policy evaluation", () => {
  it("matches actions segment by segment, with * inside a segment, resource and operation case-insensitively", () => {
    expect(actionMatches("vpc:*:get*", "vpc:ports:get")).toBe(true);
    expect(actionMatches("vpc:*:get*", "vpc:ports:GET")).toBe(true);
    expect(actionMatches("vpc:*:get*", "VPC:ports:get")).toBe(false);
    expect(actionMatches("vpc:*:get*", "vpc:ports:update")).toBe(false);
    expect(actionMatches("*:*:*", "ecs:cloudServers:createServers")).toBe(true);
    expect(actionMatches("ecs:*:*", "vpc:vpcs:list")).toBe(false);
    expect(actionMatches("vpc:ports", "vpc:ports:get")).toBe(false);
    expect(actionMatches("vpc:p.rts:get", "vpc:ports:get")).toBe(false);
  });

  it("lets a Deny win over an Allow, and allows nothing without a grant", () => {
    expect(rolesAllow([id("Tenant Administrator")], "ecs:cloudServerNics:update")).toBe(true);
    expect(rolesAllow([id("Tenant Administrator")], "iam:users:createUser")).toBe(false);
    expect(rolesAllow([id("Tenant Administrator"), id("Security Administrator")], "iam:users:createUser")).toBe(false);
    expect(rolesAllow([id("Security Administrator")], "iam:users:createUser")).toBe(true);
    expect(rolesAllow([], "vpc:vpcs:list")).toBe(false);
    expect(rolesAllow(["unknown-role"], "vpc:vpcs:list")).toBe(false);
  });

  it("gives each system role the reach its name says", () => {
    const cases: [string, string, boolean][] = [
      ["Tenant Guest", "vpc:vpcs:list", true],
      ["Tenant Guest", "ecs:cloudServers:showServer", true],
      ["Tenant Guest", "vpc:vpcs:create", false],
      ["Tenant Guest", "iam:users:listUsers", false],
      ["ECS FullAccess", "ecs:cloudServers:createServers", true],
      ["ECS FullAccess", "vpc:subnets:get", true],
      ["ECS FullAccess", "vpc:ports:update", false],
      ["ECS ReadOnlyAccess", "ecs:cloudServers:list", true],
      ["ECS ReadOnlyAccess", "ecs:cloudServerNics:update", false],
      ["VPC FullAccess", "vpc:publicIps:delete", true],
      ["VPC FullAccess", "ecs:cloudServers:list", false],
      ["VPC ReadOnlyAccess", "vpc:ports:get", true],
      ["VPC ReadOnlyAccess", "vpc:ports:update", false],
    ];
    for (const [role, action, allowed] of cases)
      expect(rolesAllow([id(role)], action), `${role} ${action}`).toBe(allowed);
    expect(new Set(SYSTEM_ROLES.map((role) => role.id)).size).toBe(SYSTEM_ROLES.length);
    for (const role of SYSTEM_ROLES) expect(role.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it("checks user names and passwords as IAM's default policy does", () => {
    expect(isValidUserName("ci-reader.2")).toBe(true);
    expect(isValidUserName("1abc")).toBe(false);
    expect(isValidUserName(" abc")).toBe(false);
    expect(isValidUserName("a".repeat(65))).toBe(false);
    expect(isAcceptablePassword("Reader-Pass1", "reader")).toBe(true);
    expect(isAcceptablePassword("short1A", "x")).toBe(false);
    expect(isAcceptablePassword("alllowercase", "x")).toBe(false);
    expect(isAcceptablePassword("Reader12", "reader12")).toBe(false);
    expect(isAcceptablePassword("21redaeR", "Reader12")).toBe(false);
  });
});
