/** Names IAM gives things itself: the first account and its administrator, the admin group, the token secret's key. */

/** The account and administrator `ecs-vip serve` creates on an empty store. */
export const BOOTSTRAP_ACCOUNT = "default";
export const BOOTSTRAP_USER = "admin";
/** Members of this group act on every project of their account. */
export const ADMIN_GROUP = "admin";
/** Where the store keeps the secret tokens are signed with. */
export const TOKEN_SECRET_KEY = "token_secret";
