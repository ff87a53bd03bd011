const SPECIALS = "!@$%^-_=+[{}]:,./?~#*";

/**
 * The cloud's rule for an ECS administrator password: 8 to 26 characters from letters, digits and the listed special
 * characters, at least three of those four kinds, and neither the administrator's name (`root`, `Administrator`) nor
 * that name reversed inside it.
 */
export function isStrongAdminPass(password: string): boolean {
  if (password.length < 8 || password.length > 26) return false;
  const kinds = { upper: false, lower: false, digit: false, special: false };
  for (const char of password) {
    if (char >= "A" && char <= "Z") kinds.upper = true;
    else if (char >= "a" && char <= "z") kinds.lower = true;
    else if (char >= "0" && char <= "9") kinds.digit = true;
    else if (SPECIALS.includes(char)) kinds.special = true;
    else return false;
  }
  if (Object.values(kinds).filter(Boolean).length < 3) return false;
  const lower = password.toLowerCase();
  return !["root", "toor", "administrator", "rotartsinimda"].some((name) => lower.includes(name));
}

/** A server description: at most 85 characters, without `<` or `>`. */
export function isValidServerDescription(description: string): boolean {
  return description.length <= 85 && !/[<>]/.test(description);
}
