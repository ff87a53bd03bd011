/**
 * What a route asks of its caller, declared with the route (`config.permission`): the IAM action it performs
 * (reference/permissions/*.rst, or ecs-vip's choice where the pages are silent), or that it is public, open to any
 * authenticated caller (the use case then limits the caller to its own resources), or for the account's
 * administrators only. Fastify gives a GET route's HEAD twin the GET's options, so the twin asks what its GET asks.
 */
import { type Envelope, ERRORS, type ErrorId } from "../errors/registry.js";
import type { RouteErrors } from "./request-context.js";

export type RoutePermission =
  /** No credentials at all. */
  | { kind: "public" }
  /** Any authenticated caller; the use case lets a caller act on itself only (its own token, its own password). */
  | { kind: "self" }
  /** Members of the account's admin group only (ecs-vip's own endpoints). */
  | { kind: "admin" }
  /**
   * The caller's roles on its project must allow every action. With `self`, a caller may also act on its own
   * resources without the action (its own access keys): the route admits everyone and the use case asks.
   * With `byBody`, the action depends on the body (the batch server action: start, stop or reboot).
   */
  | { kind: "action"; actions: string[]; self?: boolean; byBody?: (body: unknown) => string | undefined };

declare module "fastify" {
  interface FastifyContextConfig {
    /** What the caller's roles must allow; a route without one is for administrators only. */
    permission?: RoutePermission;
  }
}

export const PUBLIC: RoutePermission = { kind: "public" };
export const SELF: RoutePermission = { kind: "self" };
export const ADMIN: RoutePermission = { kind: "admin" };
export const act = (...actions: string[]): RoutePermission => ({ kind: "action", actions });
export const actOrSelf = (action: string): RoutePermission => ({ kind: "action", actions: [action], self: true });

/** The route's permission; a route that declares none is for administrators only. */
export function permissionOf(config: { permission?: RoutePermission } | undefined): RoutePermission {
  return config?.permission ?? ADMIN;
}

/** Routes anyone may call without credentials. */
export function isPublic(config: { permission?: RoutePermission } | undefined): boolean {
  return config?.permission?.kind === "public";
}

/** A refusal in the route's own service envelope (found from the route's own error for invalid input). */
const DENIED: Record<Envelope, ErrorId> = {
  ecs: "ecsForbidden",
  vpc: "vpcPolicyDenied",
  neutron: "neutronPolicyDenied",
  iam: "iamPolicyDenied",
  apigw: "forbidden",
};

export function deniedErrorOf(config: { errors?: RouteErrors } | undefined): ErrorId {
  return DENIED[ERRORS[config?.errors?.invalid ?? "malformedRequest"].envelope];
}

/** The actions a request needs: every listed one, or the one its body names. */
export function actionsOf(permission: RoutePermission & { kind: "action" }, body: unknown): string[] {
  const chosen = permission.byBody?.(body);
  return chosen !== undefined ? [chosen] : permission.actions;
}
