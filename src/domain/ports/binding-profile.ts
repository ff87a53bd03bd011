/** `binding:profile` is free-form, but no deeper than this: deeper objects cannot be stored or answered safely. */
export const MAX_BINDING_PROFILE_DEPTH = 16;

/** Whether `value` nests objects or arrays deeper than `max` levels; walked without recursion, so any depth is safe. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== "object" || node === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

export function bindingProfileTooDeep(profile: unknown): boolean {
  return nestsDeeperThan(profile, MAX_BINDING_PROFILE_DEPTH);
}
