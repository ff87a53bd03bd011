import type { Command } from "commander";
import { type ApiOptions, clientOf, withApiOptions } from "./api-options.js";
import { type CloudPort, listPorts, showPort } from "./cloud.js";
import { printRow, printRows } from "./output.js";

const COLUMNS = ["id", "name", "network_id", "device_owner", "device_id", "mac_address", "fixed_ips", "status"];

const row = (port: CloudPort) => ({
  id: port.id,
  name: port.name,
  network_id: port.network_id,
  device_owner: port.device_owner,
  device_id: port.device_id,
  mac_address: port.mac_address,
  fixed_ips: port.fixed_ips.map((fixed) => fixed.ip_address),
  status: port.status,
});

export function registerPortCommands(program: Command): void {
  const port = program.command("port").description("Neutron ports: list, show");
  withApiOptions(port.command("list").description("list the project's ports"))
    .option("--network <ID>", "only ports of this network (subnet id)")
    .option("--device-id <ID>", "only ports of this device (server id)")
    .option("--device-owner <OWNER>", "only ports with this owner, e.g. neutron:VIP_PORT")
    .option("--ip <IP>", "only the port holding this fixed IP")
    .action(
      async (options: ApiOptions & { network?: string; deviceId?: string; deviceOwner?: string; ip?: string }) => {
        const ports = await listPorts(clientOf(options), {
          network_id: options.network,
          device_id: options.deviceId,
          device_owner: options.deviceOwner,
          fixed_ips: options.ip === undefined ? undefined : `ip_address=${options.ip}`,
        });
        printRows(ports.map(row), COLUMNS, options.json);
      },
    );
  withApiOptions(port.command("show <id>").description("show one port with its allowed address pairs")).action(
    async (id: string, options: ApiOptions) => {
      const found = await showPort(clientOf(options), id);
      printRow(
        {
          ...row(found),
          allowed_address_pairs: found.allowed_address_pairs.map((pair) => ({
            ip_address: pair.ip_address,
            mac_address: pair.mac_address ?? "",
          })),
        },
        options.json,
      );
    },
  );
}
