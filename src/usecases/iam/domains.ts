import type { Account } from "../../domain/model.js";
import type { Caller, UseCaseContext } from "../context.js";

/**
 * Keystone's domains are the cloud's accounts; a caller sees its own account only (other accounts are another
 * customer's), which is how the cloud answers a domain look-up by name or id.
 */
export async function ownDomain(context: UseCaseContext, caller: Caller): Promise<Account | undefined> {
  return context.store.read((tx) => tx.iam.getAccount(caller.accountId));
}
