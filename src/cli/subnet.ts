import type { Command } from "commander";
import { type ApiOptions, clientOf, withApiOptions } from "./api-options.js";
import { type CloudSubnet, createSubnet, deleteSubnet, listSubnets } from "./cloud.js";
import { UsageError } from "./failure.js";
import { printRow, printRows } from "./output.js";

const COLUMNS = ["id", "name", "vpc_id", "cidr", "gateway_ip", "status"];
const row = (s: CloudSubnet) => ({
  id: s.id,
  name: s.name,
  vpc_id: s.vpc_id,
  cidr: s.cidr,
  gateway_ip: s.gateway_ip,
  status: s.status,
});

/** The first host address of an IPv4 CIDR: the cloud's usual gateway. */
export function firstHost(cidr: string): string | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!match) return undefined;
  const [a, b, c, d, bits] = match.slice(1).map(Number) as [number, number, number, number, number];
  if (bits > 30) return undefined;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const value = ((((a << 24) | (b << 16) | (c << 8) | d) >>> 0) & mask) + 1;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

export function registerSubnetCommands(program: Command): void {
  const subnet = program.command("subnet").description("subnets: create, list, delete");
  withApiOptions(subnet.command("create <name>").description("create a subnet in a VPC"))
    .requiredOption("--vpc <ID>", "the VPC's id")
    .requiredOption("--cidr <CIDR>", "the subnet's range, inside the VPC's")
    .option("--gateway-ip <IP>", "the gateway address (default the first host address)")
    .action(
      async (name: string, options: ApiOptions & { vpc: string; cidr: string; gatewayIp?: string }, self: Command) => {
        const gateway = options.gatewayIp ?? firstHost(options.cidr);
        if (gateway === undefined)
          throw new UsageError(`--cidr ${options.cidr} is not an IPv4 CIDR with room for hosts`, self);
        const created = await createSubnet(clientOf(options), {
          name,
          vpc_id: options.vpc,
          cidr: options.cidr,
          gateway_ip: gateway,
        });
        printRow(row(created), options.json);
      },
    );
  withApiOptions(subnet.command("list").description("list the project's subnets"))
    .option("--vpc <ID>", "only this VPC's")
    .action(async (options: ApiOptions & { vpc?: string }) => {
      printRows((await listSubnets(clientOf(options), options.vpc)).map(row), COLUMNS, options.json);
    });
  withApiOptions(
    subnet.command("delete <id>").description("delete a subnet (it must hold no ports but its own)"),
  ).action(async (id: string, options: ApiOptions) => {
    await deleteSubnet(clientOf(options), id);
    if (options.json) printRow({ id, deleted: true }, true);
  });
}
