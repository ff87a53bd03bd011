import type { Command } from "commander";
import { type ApiOptions, clientOf, withApiOptions } from "./api-options.js";
import { bindVip, listVipBindings, unbindVip } from "./cloud.js";
import { printRow, printRows } from "./output.js";

export const VIP_COLUMNS = ["ip", "vip_port_id", "nic_port_id", "server_id", "server_name", "reverse"];

export function registerVipCommands(program: Command): void {
  const vip = program.command("vip").description("virtual IPs on server NICs: bind, unbind, list");
  withApiOptions(vip.command("bind <nic_id> <ip>").description("bind a virtual IP to a NIC (created when free)"))
    .option("--subnet <ID>", "the subnet of the address (default the NIC's)")
    .option("--reverse", "also add the NIC's address to the VIP port's allowed address pairs")
    .action(async (nicId: string, ip: string, options: ApiOptions & { subnet?: string; reverse?: boolean }) => {
      const vipPortId = await bindVip(clientOf(options), nicId, ip, {
        subnetId: options.subnet,
        reverse: options.reverse,
      });
      printRow({ ip, vip_port_id: vipPortId, nic_port_id: nicId, reverse: options.reverse === true }, options.json);
    });
  withApiOptions(vip.command("unbind <nic_id>").description("remove every virtual IP from a NIC")).action(
    async (nicId: string, options: ApiOptions) => {
      await unbindVip(clientOf(options), nicId);
      if (options.json) printRow({ nic_port_id: nicId, unbound: true }, true);
    },
  );
  withApiOptions(vip.command("list").description("one row per binding of a virtual IP to a NIC")).action(
    async (options: ApiOptions) => {
      printRows(await listVipBindings(clientOf(options)), VIP_COLUMNS, options.json);
    },
  );
}
