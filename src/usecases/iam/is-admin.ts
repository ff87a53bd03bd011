import { ADMIN_GROUP } from "../../domain/iam/well-known-names.js";
import type { Caller, UseCaseContext } from "../context.js";

/** The account's administrators: members of its `admin` group (the user bootstrap creates is one). */
export async function isAccountAdmin(context: UseCaseContext, caller: Caller): Promise<boolean> {
  if (caller.admin !== undefined) return caller.admin;
  const groups = await context.store.read((tx) => tx.iam.listGroupsOfUser(caller.userId));
  return groups.some((group) => group.name === ADMIN_GROUP && group.accountId === caller.accountId);
}
