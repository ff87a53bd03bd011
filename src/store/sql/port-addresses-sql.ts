import type { Port } from "../../domain/model.js";
import type { SqlExecutor } from "./executor.js";
import type { FreeRanges } from "./free-ranges.js";

/**
 * Replaces a port's fixed IPs with `port.fixedIps`, keeping the free-address structure in step: addresses the port
 * gives up are released, new ones claimed; an address it keeps is rewritten in place (its new position).
 */
export async function replaceFixedIps(db: SqlExecutor, free: FreeRanges, port: Port): Promise<void> {
  const held = await db.all<{ subnet_id: string; ip_address: string }>(
    "SELECT subnet_id, ip_address FROM fixed_ips WHERE port_id = ?",
    [port.id],
  );
  const wanted = new Set(port.fixedIps.map((ip) => `${ip.subnetId} ${ip.ipAddress}`));
  for (const row of held) {
    if (wanted.has(`${row.subnet_id} ${row.ip_address}`)) continue;
    await free.lockSubnet(String(row.subnet_id));
    await db.run("DELETE FROM fixed_ips WHERE port_id = ? AND ip_address = ?", [port.id, row.ip_address]);
    await free.release(String(row.subnet_id), String(row.ip_address));
  }
  const kept = new Set(held.map((row) => `${row.subnet_id} ${row.ip_address}`));
  for (const [position, ip] of port.fixedIps.entries()) {
    if (kept.has(`${ip.subnetId} ${ip.ipAddress}`)) {
      await db.run("UPDATE fixed_ips SET position = ? WHERE port_id = ? AND ip_address = ?", [
        position,
        port.id,
        ip.ipAddress,
      ]);
      continue;
    }
    await free.lockSubnet(ip.subnetId);
    await db.run(
      "INSERT INTO fixed_ips (port_id, network_id, subnet_id, ip_address, position) VALUES (?, ?, ?, ?, ?)",
      [port.id, port.networkId, ip.subnetId, ip.ipAddress, position],
    );
    await free.claim(ip.subnetId, ip.ipAddress);
  }
}
