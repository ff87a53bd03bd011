import type { Command } from "commander";
import { type ApiOptions, clientOf, withApiOptions } from "./api-options.js";
import { listNics } from "./cloud.js";
import { printRows } from "./output.js";

export function registerNicCommands(program: Command): void {
  const nic = program.command("nic").description("a server's NICs");
  withApiOptions(nic.command("list <server_id>").description("list a server's NICs, primary first")).action(
    async (serverId: string, options: ApiOptions) => {
      const nics = await listNics(clientOf(options), serverId);
      const rows = nics.map((n) => ({
        port_id: n.port_id,
        ip_address: n.fixed_ips[0]?.ip_address ?? "",
        mac_address: n.mac_addr,
        network_id: n.net_id,
        status: n.port_state,
      }));
      printRows(rows, ["port_id", "ip_address", "mac_address", "network_id", "status"], options.json);
    },
  );
}
