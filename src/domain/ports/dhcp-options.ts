import type { PortDhcpOption } from "../model.js";

/** An option as a request gives it: a null value removes the option on update (Neutron's rule). */
export interface DhcpOptionInput {
  optName: string;
  optValue: string | null;
  ipVersion?: number;
}

const sameOption = (a: { optName: string; ipVersion?: number }, b: { optName: string; ipVersion?: number }) =>
  a.optName === b.optName && (a.ipVersion ?? 4) === (b.ipVersion ?? 4);

/**
 * Neutron's extra_dhcp_opts update: each given option replaces the one of the same name and IP version, or is
 * added; one with a null value removes it. Options not named stay. On create, start from no options.
 */
export function mergeDhcpOptions(existing: readonly PortDhcpOption[], updates: readonly DhcpOptionInput[]) {
  let options: PortDhcpOption[] = [...existing];
  for (const update of updates) {
    const kept = options.filter((option) => !sameOption(option, update));
    if (update.optValue === null) {
      options = kept;
      continue;
    }
    const next: PortDhcpOption = { optName: update.optName, optValue: update.optValue };
    if (update.ipVersion !== undefined) next.ipVersion = update.ipVersion;
    const at = options.findIndex((option) => sameOption(option, update));
    options = at < 0 ? [...kept, next] : [...options.slice(0, at), next, ...options.slice(at + 1)];
  }
  return options;
}
