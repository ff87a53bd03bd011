import type { Command } from "commander";
import { type ApiOptions, clientOf, withApiOptions } from "./api-options.js";
import { type CloudVpc, createVpc, deleteVpc, listVpcs } from "./cloud.js";
import { printRow, printRows } from "./output.js";

const COLUMNS = ["id", "name", "cidr", "status"];
const row = (vpc: CloudVpc) => ({ id: vpc.id, name: vpc.name, cidr: vpc.cidr, status: vpc.status });

export function registerVpcCommands(program: Command): void {
  const vpc = program.command("vpc").description("VPCs: create, list, delete");
  withApiOptions(vpc.command("create <name>").description("create a VPC"))
    .requiredOption("--cidr <CIDR>", "the VPC's address range, e.g. 192.168.0.0/16")
    .option("--description <TEXT>", "a description")
    .action(async (name: string, options: ApiOptions & { cidr: string; description?: string }) => {
      const created = await createVpc(clientOf(options), {
        name,
        cidr: options.cidr,
        description: options.description,
      });
      printRow(row(created), options.json);
    });
  withApiOptions(vpc.command("list").description("list the project's VPCs")).action(async (options: ApiOptions) => {
    printRows((await listVpcs(clientOf(options))).map(row), COLUMNS, options.json);
  });
  withApiOptions(vpc.command("delete <id>").description("delete a VPC (it must have no subnets)")).action(
    async (id: string, options: ApiOptions) => {
      await deleteVpc(clientOf(options), id);
      if (options.json) printRow({ id, deleted: true }, true);
    },
  );
}
