/**
 * The size of a flavor, read from the cloud's naming scheme `<family>.<size>.<ratio>`: `small` and `medium` have 1
 * vCPU, `large` 2, `xlarge` 4, `<n>xlarge` 4·n; memory is vCPUs × ratio GiB (`s6.small.1` = 1 vCPU, 1 GiB). Names
 * outside the scheme count as 1 vCPU and 1 GiB.
 */
export interface FlavorSize {
  vcpus: number;
  ramMb: number;
}

const SIZES: Record<string, number> = { small: 1, medium: 1, large: 2, xlarge: 4 };

export function flavorSize(flavorRef: string): FlavorSize {
  const [, size = "", ratioText = ""] = flavorRef.split(".");
  const multiple = /^(\d+)xlarge$/.exec(size);
  const vcpus = multiple ? 4 * Number(multiple[1]) : (SIZES[size] ?? 0);
  const ratio = Number(ratioText);
  if (vcpus <= 0 || !Number.isInteger(ratio) || ratio <= 0 || ratio > 64 || vcpus > 512) {
    return { vcpus: 1, ramMb: 1024 };
  }
  return { vcpus, ramMb: vcpus * ratio * 1024 };
}
