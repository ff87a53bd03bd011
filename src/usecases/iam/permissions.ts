import { rolesAllow } from "../../domain/iam/roles.js";
import { fail } from "../../errors/cloud-error.js";
import type { Caller } from "../context.js";

/** Whether the caller may perform `action` in its project: the admin group may do anything, others per their roles. */
export function allows(caller: Caller, action: string): boolean {
  return caller.admin === true || rolesAllow(caller.roles ?? [], action);
}

/** IAM's refusal of an action the caller's roles do not allow (403 IAM.0003). */
export function authorize(caller: Caller, action: string): void {
  if (!allows(caller, action)) fail("iamPolicyDenied", `Policy doesn't allow ${action} to be performed.`);
}

/** For the routes a user may call on itself: its own resources pass, anyone else's need the action. */
export function authorizeSelfOr(caller: Caller, targetUserId: string, action: string): void {
  if (targetUserId !== caller.userId) authorize(caller, action);
}
