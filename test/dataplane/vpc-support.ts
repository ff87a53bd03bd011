/** What the VPC drills share: security groups, servers in them, EIPs, TCP listeners and keepalived, all by API. */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ApiClient } from "../support/client.js";
import { KEEPALIVED, NETNS, NFTABLES, PING, requires, SYSCTL } from "../support/requirements.js";
import { Topology } from "../support/topology.js";
import { cli, type DataplaneServer, linksIn, namespaces, until } from "./support.js";

/** What the VPC drills need from the machine (CI has it all and fails on a skip). */
export const VPC_DRILL_NEEDS = requires(NETNS, NFTABLES, KEEPALIVED, PING, SYSCTL);

async function must(api: ApiClient, method: string, url: string, body?: unknown): Promise<any> {
  const response = await api.call(method, url, body);
  if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export interface RuleFields {
  direction?: "ingress" | "egress";
  protocol?: string;
  port_range_min?: number;
  port_range_max?: number;
  remote_ip_prefix?: string;
  remote_group_id?: string;
}

/** Security groups through Neutron, as a user's script would make them. */
export class Groups {
  constructor(private readonly api: ApiClient) {}

  /** A new group without the ingress rule every group starts with (egress to anywhere stays). */
  async closed(name: string): Promise<string> {
    const group = (await must(this.api, "POST", "/v2.0/security-groups", { security_group: { name } })).security_group;
    for (const rule of group.security_group_rules as any[]) {
      if (rule.direction === "ingress") await this.deleteRule(rule.id);
    }
    return group.id;
  }

  async rule(groupId: string, fields: RuleFields): Promise<string> {
    const body = {
      security_group_rule: { direction: "ingress", ethertype: "IPv4", ...fields, security_group_id: groupId },
    };
    return (await must(this.api, "POST", "/v2.0/security-group-rules", body)).security_group_rule.id;
  }

  async deleteRule(ruleId: string): Promise<void> {
    await must(this.api, "DELETE", `/v2.0/security-group-rules/${ruleId}`);
  }

  async rulesOf(groupId: string): Promise<any[]> {
    return (await must(this.api, "GET", `/v2.0/security-group-rules?security_group_id=${groupId}`))
      .security_group_rules;
  }

  async default(): Promise<string> {
    const groups = (await must(this.api, "GET", "/v2.0/security-groups?name=default")).security_groups as any[];
    return groups[0].id;
  }

  async setPortGroups(portId: string, groupIds: string[]): Promise<void> {
    await must(this.api, "PUT", `/v2.0/ports/${portId}`, { port: { security_groups: groupIds } });
  }
}

export interface WiredServer {
  serverId: string;
  nicId: string;
  ip: string;
  ns: string;
}

/** `count` ACTIVE servers with one NIC in the subnet, members of the groups given (default group if none). */
export async function serversIn(
  dp: DataplaneServer,
  vpcId: string,
  subnetId: string,
  count: number,
  groupIds?: string[],
): Promise<WiredServer[]> {
  const { api } = dp;
  const created = await must(api, "POST", api.p("/cloudservers"), {
    server: {
      name: "drill",
      imageRef: "image-1",
      flavorRef: "s6.small.1",
      vpcid: vpcId,
      nics: [{ subnet_id: subnetId }],
      root_volume: { volumetype: "SSD" },
      count,
      ...(groupIds ? { security_groups: groupIds.map((id) => ({ id })) } : {}),
    },
  });
  const topology = new Topology(api, api.projectId);
  const job = await topology.waitForJob(created.job_id);
  if (job.status !== "SUCCESS") throw new Error(`server creation ended ${JSON.stringify(job)}`);
  const servers: WiredServer[] = [];
  for (const serverId of created.serverIds as string[]) {
    const [nic] = await topology.nicsOf(serverId);
    if (!nic) throw new Error(`server ${serverId} has no NIC`);
    const ns = (await cli(["dataplane", "ns", "--db", dp.db, serverId])).stdout.trim();
    servers.push({ serverId, nicId: nic.nicId, ip: nic.ip, ns });
  }
  await until(
    () => servers.every((s) => namespaces(dp.prefix).includes(s.ns) && linksIn(s.ns)[0]?.up === true),
    10_000,
  );
  return servers;
}

/** An EIP from the pool, bound to the port when one is given; resolves to its id and address. */
export async function eip(api: ApiClient, portId?: string): Promise<{ id: string; address: string }> {
  const created = (
    await must(api, "POST", api.p("/publicips"), {
      publicip: { type: "5_bgp" },
      bandwidth: { name: "bw", size: 10, share_type: "PER" },
    })
  ).publicip;
  if (portId) await bindEip(api, created.id, portId);
  return { id: created.id, address: created.public_ip_address };
}

export async function bindEip(api: ApiClient, eipId: string, portId: string | null): Promise<void> {
  await must(api, "PUT", api.p(`/publicips/${eipId}`), { publicip: { port_id: portId } });
}

/** A TCP server in the namespace answering `reply` to every connection; stopped with `dataplane down`. */
export function listen(ns: string, port: number, reply = "ok"): void {
  const code = `require("net").createServer((s) => s.end(${JSON.stringify(reply)})).listen(${port})`;
  const child = spawn("ip", ["netns", "exec", ns, process.execPath, "-e", code], { stdio: "ignore", detached: true });
  child.unref();
}

/** Whether a TCP connection from the namespace to address:port is answered within 1 s. */
export function connects(ns: string, address: string, port: number): boolean {
  const code = `const s = require("net").connect(${port}, "${address}");
    s.setTimeout(1000, () => process.exit(1)); s.on("data", () => process.exit(0)); s.on("error", () => process.exit(1));`;
  return spawnSync("ip", ["netns", "exec", ns, process.execPath, "-e", code], { stdio: "ignore" }).status === 0;
}

/** What a TCP server at address:port answers a connection from the namespace with, or undefined within 1 s. */
export function answerOf(ns: string, address: string, port: number): string | undefined {
  const code = `const s = require("net").connect(${port}, "${address}"); let got = "";
    s.setTimeout(1000, () => process.exit(1)); s.on("data", (d) => { got += d; }); s.on("error", () => process.exit(1));
    s.on("end", () => { process.stdout.write(got); process.exit(0); });`;
  const out = spawnSync("ip", ["netns", "exec", ns, process.execPath, "-e", code], { encoding: "utf8" });
  return out.status === 0 ? out.stdout : undefined;
}

export async function listening(ns: string, port: number): Promise<void> {
  await until(() => {
    const out = spawnSync("ip", ["netns", "exec", ns, "ss", "-Htln", `sport = :${port}`], { encoding: "utf8" });
    return out.stdout.trim() !== "";
  }, 10_000);
}

export function keepalivedConfig(self: string, peer: string, priority: number, vip: string): string {
  return `global_defs {
  vrrp_version 3
  script_user root
}
vrrp_instance drill {
  state BACKUP
  interface eth0
  virtual_router_id 52
  priority ${priority}
  advert_int 0.2
  unicast_src_ip ${self}
  unicast_peer {
    ${peer}
  }
  virtual_ipaddress {
    ${vip}/24 dev eth0
  }
}
`;
}

/** keepalived in a server, started the way a user does: `ecs-vip dataplane exec SERVER -- keepalived …`. */
export async function startKeepalived(dp: DataplaneServer, server: WiredServer, name: string, config: string) {
  const file = join(dp.dir, `${name}.conf`);
  const pidFile = join(dp.dir, `${name}.pid`);
  writeFileSync(file, config);
  const argv = ["keepalived", "--vrrp", "-f", file, "-p", pidFile, "-r", join(dp.dir, `${name}-vrrp.pid`)];
  const started = await cli(["dataplane", "exec", "--db", dp.db, server.serverId, "--", ...argv]);
  if (started.code !== 0) throw new Error(`keepalived did not start: ${started.stderr}`);
  return pidFile;
}

/** The pid keepalived wrote, once it is there. */
export async function pidOf(pidFile: string): Promise<number> {
  return until(() => {
    try {
      return Number(readFileSync(pidFile, "utf8").trim()) || 0;
    } catch {
      return 0;
    }
  }, 10_000);
}
