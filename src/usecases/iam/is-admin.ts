import type { Caller, UseCaseContext } from "../context.js";

/** The account's administrator: the IAM user named `admin` (the user bootstrap creates). */
export async function isAccountAdmin(context: UseCaseContext, caller: Caller): Promise<boolean> {
  const user = await context.store.read((tx) => tx.getUser(caller.userId));
  return user?.name === "admin" && user.accountId === caller.accountId;
}
