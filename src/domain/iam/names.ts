/** IAM's naming and password rules (pure). */

/** 1 to 64 characters: letters, digits, spaces, `-`, `_`, `.`; not starting with a digit or a space. */
export function isValidUserName(name: string): boolean {
  return /^[A-Za-z_.-][A-Za-z0-9 _.-]{0,63}$/.test(name);
}

/** IAM's default password policy: 8 to 32 characters, at least two kinds of character, not the user name. */
export function isAcceptablePassword(password: string, userName: string): boolean {
  if (password.length < 8 || password.length > 32) return false;
  const kinds = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((kind) => kind.test(password)).length;
  if (kinds < 2) return false;
  const lower = password.toLowerCase();
  const name = userName.toLowerCase();
  return !(name.length > 0 && (lower === name || lower === [...name].reverse().join("")));
}
