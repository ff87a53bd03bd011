import { readFileSync } from "node:fs";
import { Presets, SingleBar } from "cli-progress";
import type { Command } from "commander";
import type { SignedClient } from "./api-client.js";
import { type ApiOptions, clientOf, withApiOptions } from "./api-options.js";
import {
  bindVip,
  createServers,
  createSubnet,
  createVpc,
  listNics,
  listPorts,
  listServers,
  listSubnets,
  listVpcs,
  showPort,
  waitForJob,
} from "./cloud.js";
import { OperationalError } from "./failure.js";
import { printRows } from "./output.js";
import { parseSeedFile, type SeedFile, serverNames } from "./seed-file.js";
import { firstHost } from "./subnet.js";

export interface SeedStep {
  kind: "vpc" | "subnet" | "server" | "binding";
  name: string;
  id: string;
  action: "created" | "unchanged";
}

/** Progress on a terminal only: scripts and logs get the summary, not escape sequences. */
class Progress {
  private readonly bar: SingleBar | undefined;

  constructor(total: number, enabled: boolean) {
    if (!enabled) return;
    this.bar = new SingleBar(
      {
        stream: process.stderr,
        format: "seed [{bar}] {value}/{total} {step}",
        hideCursor: true,
        clearOnComplete: true,
      },
      Presets.shades_classic,
    );
    this.bar.start(total, 0, { step: "" });
  }

  step(label: string): void {
    this.bar?.increment(1, { step: label });
  }

  stop(): void {
    this.bar?.stop();
  }
}

function totalSteps(seed: SeedFile): number {
  return (
    seed.vpcs.reduce((n, vpc) => n + 1 + vpc.subnets.length, 0) +
    seed.servers.reduce((n, server) => n + server.count, 0) +
    seed.vips.reduce((n, vip) => n + vip.servers.length, 0)
  );
}

/**
 * Builds the file's topology, finding each resource by name first, so running it again changes nothing: VPCs, their
 * subnets, servers (one creation per name, `web-1`, `web-2`, … for count > 1, all built before binding), then each
 * virtual IP on the primary NIC of each listed server, skipped where the binding (and its reverse pair) is there.
 */
export async function seed(client: SignedClient, file: SeedFile, progress: Progress): Promise<SeedStep[]> {
  const steps: SeedStep[] = [];
  const record = (step: SeedStep) => {
    steps.push(step);
    progress.step(`${step.kind} ${step.name}`);
  };

  const vpcIds = new Map<string, string>();
  const subnetIds = new Map<string, string[]>();
  const existingVpcs = await listVpcs(client);
  for (const vpc of file.vpcs) {
    const found = existingVpcs.find((existing) => existing.name === vpc.name)?.id;
    const id = found ?? (await createVpc(client, { name: vpc.name, cidr: vpc.cidr })).id;
    record({ kind: "vpc", name: vpc.name, id, action: found ? "unchanged" : "created" });
    vpcIds.set(vpc.name, id);
    const existingSubnets = await listSubnets(client, id);
    for (const subnet of vpc.subnets) {
      let subnetId = existingSubnets.find((found) => found.name === subnet.name)?.id;
      const action = subnetId ? "unchanged" : "created";
      if (!subnetId) {
        const gateway = subnet.gateway_ip ?? firstHost(subnet.cidr);
        if (!gateway) throw new OperationalError(`seed file: subnet ${subnet.name}: no gateway for ${subnet.cidr}`);
        subnetId = (
          await createSubnet(client, { name: subnet.name, vpc_id: id, cidr: subnet.cidr, gateway_ip: gateway })
        ).id;
      }
      subnetIds.set(subnet.name, [...(subnetIds.get(subnet.name) ?? []), subnetId]);
      record({ kind: "subnet", name: subnet.name, id: subnetId, action });
    }
  }
  const subnetId = (name: string, where: string) => {
    const ids = subnetIds.get(name) ?? [];
    if (ids.length !== 1) {
      throw new OperationalError(
        `seed file: ${where}: subnet ${name} ${ids.length === 0 ? "is not in the file" : "is ambiguous"}`,
      );
    }
    return ids[0] as string;
  };

  const jobs: string[] = [];
  const serverIds = new Map<string, string>();
  for (const server of file.servers) {
    const vpcId = vpcIds.get(server.vpc);
    if (!vpcId) throw new OperationalError(`seed file: server ${server.name}: VPC ${server.vpc} is not in the file`);
    const nics = server.nics.map((nic) => ({
      subnetId: subnetId(nic.subnet, `server ${server.name}`),
      ipAddress: nic.ip_address,
    }));
    for (const name of serverNames(server)) {
      let id = (await listServers(client, { name }))[0]?.id;
      const action = id ? "unchanged" : "created";
      if (!id) {
        const created = await createServers(client, {
          name,
          vpcId,
          nics,
          count: 1,
          flavorRef: "s6.small.1",
          imageRef: "any-image",
          volumeType: "SSD",
        });
        jobs.push(created.jobId);
        id = created.serverIds[0] as string;
      }
      serverIds.set(name, id);
      record({ kind: "server", name, id, action });
    }
  }
  for (const job of jobs) await waitForJob(client, job);

  for (const vip of file.vips) {
    const vipSubnet = subnetId(vip.subnet, `vip ${vip.ip}`);
    for (const name of vip.servers) {
      const serverId = serverIds.get(name) ?? (await listServers(client, { name }))[0]?.id;
      if (!serverId) throw new OperationalError(`seed file: vip ${vip.ip}: no server named ${name}`);
      const nic = (await listNics(client, serverId))[0];
      if (!nic) throw new OperationalError(`seed file: vip ${vip.ip}: server ${name} has no NIC`);
      const label = `${vip.ip} ${name}`;
      if (await isBound(client, nic.port_id, nic.mac_addr, vip.ip, vipSubnet, vip.reverse_binding)) {
        record({ kind: "binding", name: label, id: nic.port_id, action: "unchanged" });
        continue;
      }
      await bindVip(client, nic.port_id, vip.ip, { subnetId: vipSubnet, reverse: vip.reverse_binding });
      record({ kind: "binding", name: label, id: nic.port_id, action: "created" });
    }
  }
  return steps;
}

/** The NIC holds {ip, its MAC}, and with reverse the VIP port holds {the NIC's address, its MAC}. */
async function isBound(
  client: SignedClient,
  nicId: string,
  mac: string,
  ip: string,
  subnetId: string,
  reverse: boolean,
): Promise<boolean> {
  const nic = await showPort(client, nicId);
  if (!nic.allowed_address_pairs.some((pair) => pair.ip_address === ip && (pair.mac_address ?? mac) === mac)) {
    return false;
  }
  if (!reverse) return true;
  const [vipPort] = await listPorts(client, { network_id: subnetId, fixed_ips: `ip_address=${ip}` });
  const nicIps = new Set(nic.fixed_ips.map((fixed) => fixed.ip_address));
  return (
    vipPort?.allowed_address_pairs.some((pair) => nicIps.has(pair.ip_address) && (pair.mac_address ?? mac) === mac) ??
    false
  );
}

export function registerSeedCommands(program: Command): void {
  withApiOptions(
    program
      .command("seed <file>")
      .description("create a whole topology from a YAML file; running it again changes nothing (matched by name)"),
  ).action(async (path: string, options: ApiOptions) => {
    let source: string;
    try {
      source = readFileSync(path, "utf8");
    } catch (error) {
      throw new OperationalError(`cannot read ${path}: ${(error as { code?: string }).code ?? String(error)}`);
    }
    const file = parseSeedFile(source);
    const client = clientOf(options);
    const progress = new Progress(totalSteps(file), process.stderr.isTTY === true && !options.json);
    let steps: SeedStep[];
    try {
      steps = await seed(client, file, progress);
    } finally {
      progress.stop();
    }
    printRows(steps, ["kind", "name", "id", "action"], options.json);
  });
}
