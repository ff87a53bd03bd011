import type { Command } from "commander";
import { type ApiOptions, clientOf, withApiOptions } from "./api-options.js";
import {
  type CloudServer,
  createServers,
  deleteServers,
  listServers,
  type NicSpec,
  showServer,
  waitForJob,
} from "./cloud.js";
import { UsageError } from "./failure.js";
import { printRow, printRows } from "./output.js";

const COLUMNS = ["id", "name", "status", "vpc_id", "addresses"];

function nicsOf(server: CloudServer) {
  return Object.values(server.addresses).flat();
}

const row = (server: CloudServer) => ({
  id: server.id,
  name: server.name,
  status: server.status,
  vpc_id: server.metadata.vpc_id ?? "",
  addresses: nicsOf(server).map((nic) => nic.addr),
});

const detail = (server: CloudServer) => ({
  ...row(server),
  nic_port_ids: nicsOf(server).map((nic) => nic["OS-EXT-IPS:port_id"]),
  flavor: server.flavor.id,
  image: server.image.id,
  availability_zone: server["OS-EXT-AZ:availability_zone"] ?? "",
  created: server.created,
});

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `SUBNET_ID` or `SUBNET_ID=IP`. */
function parseNic(text: string): NicSpec {
  const eq = text.indexOf("=");
  return eq < 0 ? { subnetId: text } : { subnetId: text.slice(0, eq), ipAddress: text.slice(eq + 1) };
}

export function registerServerCommands(program: Command): void {
  const server = program.command("server").description("ECS servers: create, list, show, delete");
  withApiOptions(server.command("create <name>").description("create servers and wait until they are built"))
    .requiredOption("--vpc <ID>", "the VPC's id")
    .requiredOption(
      "--nic <SUBNET_ID[=IP]>",
      "a NIC in that subnet, optionally with a fixed address (repeat: first is primary)",
      collect,
    )
    .option("--count <N>", "how many (names get -0001, -0002, … as the cloud names them)", "1")
    .option("--flavor <REF>", "flavorRef (not modelled: any name)", "s6.small.1")
    .option("--image <REF>", "imageRef (not modelled: any name)", "any-image")
    .option("--volume-type <TYPE>", "root volume type: SATA, SAS, SSD, GPSSD, ESSD", "SSD")
    .option("--no-wait", "answer at once instead of waiting for the creation job")
    .action(
      async (
        name: string,
        options: ApiOptions & {
          vpc: string;
          nic: string[];
          count: string;
          flavor: string;
          image: string;
          volumeType: string;
          wait: boolean;
        },
        self: Command,
      ) => {
        const count = Number(options.count);
        if (!Number.isInteger(count) || count < 1) throw new UsageError(`--count must be a positive integer`, self);
        const client = clientOf(options);
        const { jobId, serverIds } = await createServers(client, {
          name,
          vpcId: options.vpc,
          nics: options.nic.map(parseNic),
          count,
          flavorRef: options.flavor,
          imageRef: options.image,
          volumeType: options.volumeType,
        });
        if (options.wait) await waitForJob(client, jobId);
        const servers = await Promise.all(serverIds.map((id) => showServer(client, id)));
        printRows(servers.map(row), COLUMNS, options.json);
      },
    );
  withApiOptions(server.command("list").description("list the project's servers"))
    .option("--name <NAME>", "only servers with this name")
    .action(async (options: ApiOptions & { name?: string }) => {
      printRows((await listServers(clientOf(options), { name: options.name })).map(row), COLUMNS, options.json);
    });
  withApiOptions(server.command("show <id>").description("show one server")).action(
    async (id: string, options: ApiOptions) => {
      printRow(detail(await showServer(clientOf(options), id)), options.json);
    },
  );
  withApiOptions(server.command("delete <ids...>").description("delete servers and wait until they are gone"))
    .option("--no-wait", "answer at once instead of waiting for the deletion job")
    .action(async (ids: string[], options: ApiOptions & { wait: boolean }) => {
      const client = clientOf(options);
      const jobId = await deleteServers(client, ids);
      if (options.wait) await waitForJob(client, jobId);
      if (options.json)
        printRows(
          ids.map((id) => ({ id, deleted: true })),
          ["id", "deleted"],
          true,
        );
    });
}
