/** VPC, Neutron and EIP timestamps: UTC, seconds, no zone suffix. */
export function vpcTime(iso: string): string {
  return iso.slice(0, 19);
}
