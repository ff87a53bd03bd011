import { parse } from "yaml";
import { OperationalError } from "./failure.js";

/** A seed file: the topology `ecs-vip seed` builds, resources named so that a second run finds them. */
export interface SeedFile {
  vpcs: { name: string; cidr: string; subnets: { name: string; cidr: string; gateway_ip?: string }[] }[];
  servers: { name: string; vpc: string; count: number; nics: { subnet: string; ip_address?: string }[] }[];
  vips: { ip: string; subnet: string; servers: string[]; reverse_binding: boolean }[];
}

type Json = Record<string, unknown>;

function fail(where: string, what: string): never {
  throw new OperationalError(`seed file: ${where}: ${what}`);
}

function object(value: unknown, where: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(where, "must be a mapping");
  return value as Json;
}

function list(value: unknown, where: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(where, "must be a list");
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== "string" || value === "") fail(where, "must be a non-empty string");
  return value;
}

function optionalText(value: unknown, where: string): string | undefined {
  return value === undefined ? undefined : text(value, where);
}

/** Parses and checks a seed file's YAML; each mistake is named by its place in the file. */
export function parseSeedFile(source: string): SeedFile {
  let document: unknown;
  try {
    document = parse(source);
  } catch (error) {
    throw new OperationalError(`seed file: not YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const root = object(document ?? {}, "top level");
  const vpcs = list(root.vpcs, "vpcs").map((v, i) => {
    const vpc = object(v, `vpcs[${i}]`);
    return {
      name: text(vpc.name, `vpcs[${i}].name`),
      cidr: text(vpc.cidr, `vpcs[${i}].cidr`),
      subnets: list(vpc.subnets, `vpcs[${i}].subnets`).map((s, j) => {
        const subnet = object(s, `vpcs[${i}].subnets[${j}]`);
        return {
          name: text(subnet.name, `vpcs[${i}].subnets[${j}].name`),
          cidr: text(subnet.cidr, `vpcs[${i}].subnets[${j}].cidr`),
          gateway_ip: optionalText(subnet.gateway_ip, `vpcs[${i}].subnets[${j}].gateway_ip`),
        };
      }),
    };
  });
  const servers = list(root.servers, "servers").map((v, i) => {
    const server = object(v, `servers[${i}]`);
    const count = server.count ?? 1;
    if (!Number.isInteger(count) || (count as number) < 1) fail(`servers[${i}].count`, "must be a positive integer");
    const nics = list(server.nics, `servers[${i}].nics`).map((n, j) => {
      const nic = object(n, `servers[${i}].nics[${j}]`);
      return {
        subnet: text(nic.subnet, `servers[${i}].nics[${j}].subnet`),
        ip_address: optionalText(nic.ip_address, `servers[${i}].nics[${j}].ip_address`),
      };
    });
    if (nics.length === 0) fail(`servers[${i}].nics`, "needs at least one NIC");
    return {
      name: text(server.name, `servers[${i}].name`),
      vpc: text(server.vpc, `servers[${i}].vpc`),
      count: count as number,
      nics,
    };
  });
  const vips = list(root.vips, "vips").map((v, i) => {
    const vip = object(v, `vips[${i}]`);
    const reverse = vip.reverse_binding ?? false;
    if (typeof reverse !== "boolean") fail(`vips[${i}].reverse_binding`, "must be true or false");
    return {
      ip: text(vip.ip, `vips[${i}].ip`),
      subnet: text(vip.subnet, `vips[${i}].subnet`),
      servers: list(vip.servers, `vips[${i}].servers`).map((name, j) => text(name, `vips[${i}].servers[${j}]`)),
      reverse_binding: reverse,
    };
  });
  return { vpcs, servers, vips };
}

/** The servers a seed entry stands for: `web` alone, or `web-1` … `web-N` when count > 1. */
export function serverNames(server: { name: string; count: number }): string[] {
  if (server.count === 1) return [server.name];
  return Array.from({ length: server.count }, (_, i) => `${server.name}-${i + 1}`);
}
