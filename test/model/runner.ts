/**
 * Drives the real app with model operations: builds each request, compares the answer with the model's prediction,
 * learns the ids and MACs the server invented, and compares the whole observable port state with the model.
 */
import { type InjectApp, type InjectResponse, TEST_FOREIGN_PROJECT_ID } from "../support/inject-app.js";
import { Topology } from "../support/topology.js";
import { CloudModel, type ModelLimits, type Op, type Outcome, portKey } from "./cloud-model.js";

export type Service = "ecs" | "vpc" | "neutron";

export interface Request {
  method: string;
  url: string;
  body?: unknown;
}

export function serviceOf(op: Op): Service {
  switch (op.kind) {
    case "assignPrivateIps":
    case "deletePrivateIp":
    case "deleteSubnet":
    case "deleteVpc":
      return "vpc";
    case "createPort":
    case "deletePort":
    case "setPairs":
      return "neutron";
    default:
      return "ecs";
  }
}

export function requestOf(op: Op, projectId: string): Request {
  const p = (path: string) => `/v1/${projectId}${path}`;
  const e = encodeURIComponent;
  switch (op.kind) {
    case "createServers":
      return {
        method: "POST",
        url: p("/cloudservers"),
        body: {
          server: {
            name: "srv",
            imageRef: "image-1",
            flavorRef: "s6.small.1",
            vpcid: op.vpcId,
            nics: op.nics.map((nic) => ({
              subnet_id: nic.subnetId,
              ...(nic.ip === undefined ? {} : { ip_address: nic.ip }),
            })),
            root_volume: { volumetype: "SSD" },
            count: op.count,
          },
        },
      };
    case "pollJob":
      return { method: "GET", url: p(`/jobs/${e(op.jobId)}`) };
    case "addNic":
      return {
        method: "POST",
        url: p(`/cloudservers/${e(op.serverId)}/nics`),
        body: { nics: [{ subnet_id: op.subnetId, ...(op.ip === undefined ? {} : { ip_address: op.ip }) }] },
      };
    case "deleteNic":
      return {
        method: "POST",
        url: p(`/cloudservers/${e(op.serverId)}/nics/delete`),
        body: { nics: [{ id: op.nicId }] },
      };
    case "deleteServers":
      return {
        method: "POST",
        url: p("/cloudservers/delete"),
        body: { servers: op.serverIds.map((id) => ({ id })), delete_publicip: false, delete_volume: true },
      };
    case "bind":
      return {
        method: "PUT",
        url: p(`/cloudservers/nics/${e(op.nicId)}`),
        body: {
          nic: {
            subnet_id: op.subnetId,
            ip_address: op.ip,
            ...(op.reverse === undefined ? {} : { reverse_binding: op.reverse }),
          },
        },
      };
    case "unbind":
      return {
        method: "PUT",
        url: p(`/cloudservers/nics/${e(op.nicId)}`),
        body: { nic: { subnet_id: "", ip_address: "" } },
      };
    case "assignPrivateIps":
      return {
        method: "POST",
        url: p("/privateips"),
        body: {
          privateips: op.entries.map((entry) => ({
            subnet_id: entry.subnetId,
            ...(entry.ip === undefined ? {} : { ip_address: entry.ip }),
          })),
        },
      };
    case "deletePrivateIp":
      return { method: "DELETE", url: p(`/privateips/${e(op.id)}`) };
    case "createPort":
      return {
        method: "POST",
        url: "/v2.0/ports",
        body: {
          port: {
            network_id: op.networkId,
            device_owner: op.owner,
            ...(op.fixedIp === undefined
              ? {}
              : {
                  fixed_ips: [
                    {
                      ...(op.fixedIp.subnetId === undefined ? {} : { subnet_id: op.fixedIp.subnetId }),
                      ...(op.fixedIp.ip === undefined ? {} : { ip_address: op.fixedIp.ip }),
                    },
                  ],
                }),
          },
        },
      };
    case "deletePort":
      return { method: "DELETE", url: `/v2.0/ports/${e(op.id)}` };
    case "deleteSubnet":
      return { method: "DELETE", url: p(`/vpcs/${e(op.vpcId)}/subnets/${e(op.subnetId)}`) };
    case "deleteVpc":
      return { method: "DELETE", url: p(`/vpcs/${e(op.vpcId)}`) };
    case "setPairs":
      return {
        method: "PUT",
        url: `/v2.0/ports/${e(op.portId)}`,
        body: {
          port: {
            allowed_address_pairs: op.pairs.map((pair) => ({
              ip_address: pair.ip,
              ...(pair.mac === undefined ? {} : { mac_address: pair.mac }),
            })),
          },
        },
      };
  }
}

/** The error code of a response in the service's own envelope; throws when the envelope is not that service's. */
export function errorCodeOf(service: Service, body: any): string {
  const keys = (value: unknown) =>
    value && typeof value === "object" && !Array.isArray(value) ? Object.keys(value).sort().join(",") : "";
  if (service === "ecs" && keys(body) === "error" && keys(body.error) === "code,message") return body.error.code;
  if (service === "vpc" && keys(body) === "code,error_code,error_msg,message" && body.code === body.error_code) {
    return body.code;
  }
  if (service === "neutron" && keys(body) === "NeutronError" && keys(body.NeutronError) === "detail,message,type") {
    return body.NeutronError.type;
  }
  throw new Error(`not a ${service} error envelope: ${JSON.stringify(body)}`);
}

export type Transport = "inject" | "http";

export async function send(app: InjectApp, op: Op, transport: Transport = "inject"): Promise<InjectResponse> {
  const request = requestOf(op, app.projectId);
  return transport === "http"
    ? app.fetch(request.method, request.url, request.body)
    : app.call(request.method, request.url, request.body);
}

export class ModelMismatch extends Error {}

function fail(message: string): never {
  throw new ModelMismatch(message);
}

/** Status and (for errors) code of a real response, checked against the envelope the op's service uses. */
export function observedOutcome(op: Op, response: InjectResponse): { status: number; code?: string } {
  if (typeof response.headers["x-request-id"] !== "string") fail(`${op.kind}: no X-Request-Id header`);
  if (response.status >= 400) return { status: response.status, code: errorCodeOf(serviceOf(op), response.body) };
  return { status: response.status };
}

export function sameOutcome(a: { status: number; code?: string }, b: { status: number; code?: string }): boolean {
  return a.status === b.status && a.code === b.code;
}

/**
 * Checks the body of a successful answer against the prediction and records the ids it names
 * (servers and jobs; ports are learned from the port list afterwards).
 */
export function checkSuccessBody(model: CloudModel, op: Op, predicted: Outcome, response: InjectResponse): void {
  const body = response.body;
  const where = `${op.kind} ${JSON.stringify(op)}`;
  switch (op.kind) {
    case "createServers": {
      const uids = predicted.serverUids ?? [];
      if (typeof body?.job_id !== "string" || !Array.isArray(body.serverIds) || body.serverIds.length !== uids.length) {
        fail(`${where}: unexpected body ${response.text}`);
      }
      uids.forEach((uid, i) => {
        const server = model.serverByUid(uid);
        if (server) server.id = body.serverIds[i];
      });
      setJobId(model, predicted.jobUid, body.job_id);
      return;
    }
    case "addNic":
    case "deleteNic":
    case "deleteServers":
      if (typeof body?.job_id !== "string") fail(`${where}: no job_id in ${response.text}`);
      setJobId(model, predicted.jobUid, body.job_id);
      return;
    case "pollJob":
      if (body?.job_id !== op.jobId || body.status !== "SUCCESS") fail(`${where}: unexpected job ${response.text}`);
      return;
    case "bind":
    case "unbind":
      if (JSON.stringify(body) !== JSON.stringify({ port_id: predicted.portId })) {
        fail(`${where}: body ${response.text}`);
      }
      return;
    case "assignPrivateIps": {
      const ips = (predicted.portKeys ?? []).map((key) => key.split("|")[1]);
      const got = Array.isArray(body?.privateips) ? body.privateips.map((p: any) => p.ip_address) : undefined;
      if (JSON.stringify(got) !== JSON.stringify(ips)) fail(`${where}: expected IPs ${ips}, got ${response.text}`);
      return;
    }
    case "createPort": {
      const ip = predicted.portKeys?.[0]?.split("|")[1];
      if (body?.port?.fixed_ips?.[0]?.ip_address !== ip) fail(`${where}: expected ${ip}, got ${response.text}`);
      return;
    }
    case "setPairs": {
      const expected = (predicted.pairs ?? []).map((p) => ({ ip_address: p.ip, mac_address: p.mac }));
      if (JSON.stringify(body?.port?.allowed_address_pairs) !== JSON.stringify(expected)) {
        fail(`${where}: pairs ${JSON.stringify(body?.port?.allowed_address_pairs)} != ${JSON.stringify(expected)}`);
      }
      return;
    }
    case "deletePrivateIp":
    case "deletePort":
    case "deleteSubnet":
    case "deleteVpc":
      if (response.text !== "") fail(`${where}: 204 with a body ${response.text}`);
      return;
  }
}

function setJobId(model: CloudModel, uid: number | undefined, id: string): void {
  const job = model.state.jobs.find((j) => j.uid === uid);
  if (job) job.id = id;
}

/** How often each request kind got each answer: shows which paths a run really exercised. */
export const outcomeTally = new Map<string, number>();

export function tally(op: Op, outcome: { status: number; code?: string }): void {
  const key = `${op.kind} ${outcome.status}${outcome.code ? ` ${outcome.code}` : ""}`;
  outcomeTally.set(key, (outcomeTally.get(key) ?? 0) + 1);
}

export function tallyReport(): string {
  return [...outcomeTally.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key}: ${n}`)
    .join("\n");
}

/** One request, checked against the model; the model advances only as the prediction says. */
export async function perform(app: InjectApp, model: CloudModel, op: Op, transport: Transport = "inject") {
  const predicted = model.apply(op);
  tally(op, predicted);
  const response = await send(app, op, transport);
  const observed = observedOutcome(op, response);
  if (!sameOutcome(observed, predicted)) {
    fail(
      `${op.kind} ${JSON.stringify(op)}: expected ${predicted.status} ${predicted.code ?? ""}, got ${response.status} ${response.text}`,
    );
  }
  if (response.status < 400) checkSuccessBody(model, op, predicted, response);
  return { predicted, response };
}

// ---- observable state

export async function listPorts(app: InjectApp): Promise<any[]> {
  const response = await app.call("GET", "/v2.0/ports");
  if (response.status !== 200) fail(`GET /v2.0/ports answered ${response.status} ${response.text}`);
  return response.body.ports;
}

export function observedKey(port: any): string {
  return portKey(port.network_id, port.fixed_ips?.[0]?.ip_address ?? "");
}

/** Differences between the model and the observed ports; ids and MACs the model has not learned yet match anything. */
export function stateDifferences(model: CloudModel, observed: any[]): string[] {
  const problems: string[] = [];
  const seen = new Map(observed.map((port) => [observedKey(port), port]));
  if (seen.size !== observed.length) problems.push("two observed ports share a network and IP");
  for (const [key, expected] of Object.entries(model.state.ports)) {
    const port = seen.get(key);
    if (!port) {
      problems.push(`missing port ${key} (${expected.owner || "unowned"})`);
      continue;
    }
    const subnet = model.subnet(expected.networkId);
    const want = {
      id: expected.id ?? port.id,
      mac_address: expected.mac ?? port.mac_address,
      network_id: expected.networkId,
      project_id: port.tenant_id,
      device_owner: expected.owner,
      device_id: model.deviceIdOf(expected),
      status: expected.status,
      fixed_ips: [{ subnet_id: subnet?.neutronSubnetId, ip_address: expected.ip }],
      allowed_address_pairs: expected.pairs.map((p) => ({ ip_address: p.ip, mac_address: p.mac })),
      revision_number: expected.revision,
    };
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, port[k]]));
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      problems.push(`port ${key}: expected ${JSON.stringify(want)}\n   got ${JSON.stringify(got)}`);
    }
    if (expected.updatedAt !== undefined && !expected.touched && port.updated_at !== expected.updatedAt) {
      problems.push(`port ${key}: updated_at moved from ${expected.updatedAt} to ${port.updated_at} without a change`);
    }
  }
  for (const key of seen.keys()) {
    if (!model.state.ports[key]) problems.push(`unexpected port ${key}: ${JSON.stringify(seen.get(key))}`);
  }
  return problems;
}

/** Records the ids and MACs of ports the model predicted but had not seen yet. */
export function learnPorts(model: CloudModel, observed: any[]): void {
  for (const port of observed) {
    const expected = model.state.ports[observedKey(port)];
    if (!expected) continue;
    expected.id ??= port.id;
    expected.mac ??= port.mac_address;
    expected.updatedAt = port.updated_at;
    expected.touched = false;
  }
}

export async function compareState(app: InjectApp, model: CloudModel, context: string): Promise<void> {
  const observed = await listPorts(app);
  const problems = stateDifferences(model, observed);
  if (problems.length > 0) fail(`state differs after ${context}:\n  ${problems.join("\n  ")}`);
  learnPorts(model, observed);
}

/** Servers: status, NICs in order, and deleted servers really gone. */
export async function compareServers(app: InjectApp, model: CloudModel, goneServerIds: string[]): Promise<void> {
  const p = (path: string) => `/v1/${app.projectId}${path}`;
  for (const server of model.state.servers) {
    if (server.id === undefined) fail("a server the model created has no id");
    const shown = await app.call("GET", p(`/cloudservers/${server.id}`));
    if (shown.status !== 200 || shown.body.server.status !== server.status) {
      fail(`server ${server.id}: expected ${server.status}, got ${shown.status} ${shown.text}`);
    }
    const nics = await app.call("GET", p(`/cloudservers/${server.id}/os-interface`));
    const ids = nics.body?.interfaceAttachments?.map((nic: any) => nic.port_id);
    const want = server.nics.map((key) => model.state.ports[key]?.id);
    if (JSON.stringify(ids) !== JSON.stringify(want)) {
      fail(`server ${server.id}: NICs ${JSON.stringify(ids)}, expected ${JSON.stringify(want)}`);
    }
  }
  for (const id of goneServerIds) {
    const shown = await app.call("GET", p(`/cloudservers/${id}`));
    if (shown.status !== 404) fail(`deleted server ${id} still answers ${shown.status}`);
  }
}

// ---- the world each sequence starts from

export interface World {
  vpcA: string;
  vpcB: string;
  /** S1 192.168.0.0/28 and S2 192.168.0.16/28 in VPC A, S3 192.168.0.0/28 in VPC B. */
  subnets: { id: string; neutronSubnetId: string }[];
  /** Resources of another project (same account, same addresses as S1): to the caller they must not exist. */
  foreign?: ForeignIds & { snapshot: string };
}

export interface ForeignIds {
  vpcId: string;
  subnetId: string;
  serverId: string;
  nicId: string;
  vipPortId: string;
  privateIpId: string;
  jobId: string;
}

/** Everything the other project can see of its ports, in a stable order. */
async function foreignSnapshot(app: InjectApp): Promise<string> {
  const response = await app.call("GET", "/v2.0/ports", undefined, { "x-auth-token": app.foreignToken });
  if (response.status !== 200) fail(`foreign GET /v2.0/ports: ${response.status} ${response.text}`);
  return JSON.stringify(response.body.ports);
}

/** A VPC, subnet, ACTIVE server with a bound VIP and a private IP, in the second project. */
async function buildForeignWorld(app: InjectApp): Promise<World["foreign"]> {
  if (!app.foreignToken) return undefined;
  const foreign = new Topology(app, TEST_FOREIGN_PROJECT_ID, { "x-auth-token": app.foreignToken });
  const vpc = await foreign.vpc({ cidr: "192.168.0.0/16" });
  const subnet = await foreign.subnet({ vpcId: vpc.id, cidr: "192.168.0.0/28" });
  const created = await foreign.activeServers({ vpcId: vpc.id, subnetIds: [subnet.id] });
  const serverId = created.serverIds[0] as string;
  const nicId = (await foreign.nicsOf(serverId))[0]?.nicId as string;
  await foreign.bindVip(nicId, subnet.id, "192.168.0.9", true);
  const privateIpId = (await foreign.privateIp(subnet.id, "192.168.0.10")).id;
  return {
    vpcId: vpc.id,
    subnetId: subnet.id,
    serverId,
    nicId,
    vipPortId: (await foreign.portAt("192.168.0.9")) as string,
    privateIpId,
    jobId: created.jobId,
    snapshot: await foreignSnapshot(app),
  };
}

/** The other project's ports are exactly as they were built: nothing the caller did reached them. */
export async function compareForeign(app: InjectApp, world: World): Promise<void> {
  if (!world.foreign) return;
  if ((await foreignSnapshot(app)) !== world.foreign.snapshot) fail("another project's ports changed");
}

/** S3 repeats S1's addresses in another VPC on purpose: every lookup by address must stay inside its VPC. */
export const SUBNET_PLAN = [
  { vpc: "A", cidr: "192.168.0.0/28", gateway: "192.168.0.1" },
  { vpc: "A", cidr: "192.168.0.16/28", gateway: "192.168.0.17" },
  { vpc: "B", cidr: "192.168.0.0/28", gateway: "192.168.0.1" },
] as const;

/** Fresh store, two VPCs, three /28 subnets (11 assignable addresses each), built through the API. */
export async function buildWorld(app: InjectApp, limits: ModelLimits): Promise<{ model: CloudModel; world: World }> {
  await app.reset();
  const model = CloudModel.empty(limits);
  const topology = new Topology(app, app.projectId);
  const vpcIds: Record<string, string> = {};
  for (const name of ["A", "B"] as const) {
    const vpc = await topology.vpc({ name: `vpc-${name}`, cidr: "192.168.0.0/16" });
    vpcIds[name] = vpc.id;
    model.addVpc(vpc.id);
  }
  const subnets: World["subnets"] = [];
  for (const [i, plan] of SUBNET_PLAN.entries()) {
    const vpcId = vpcIds[plan.vpc] as string;
    const created = await topology.subnet({ vpcId, cidr: plan.cidr, gateway: plan.gateway, name: `s${i + 1}` });
    const { id, neutron_subnet_id: neutronSubnetId } = created;
    subnets.push({ id, neutronSubnetId });
    model.addSubnet({ id, neutronSubnetId, vpcId, cidr: plan.cidr, gateway: plan.gateway });
  }
  const foreign = await buildForeignWorld(app);
  await compareState(app, model, "building the world");
  return { model, world: { vpcA: vpcIds.A as string, vpcB: vpcIds.B as string, subnets, foreign } };
}

/** `count` ACTIVE servers with one NIC each in S1, created and waited for through the API. */
export async function seedServers(app: InjectApp, model: CloudModel, world: World, count: number): Promise<void> {
  if (count === 0) return;
  const subnetId = world.subnets[0]?.id as string;
  const created = await perform(app, model, {
    kind: "createServers",
    vpcId: world.vpcA,
    nics: [{ subnetId }],
    count,
  });
  await perform(app, model, { kind: "pollJob", jobId: created.response.body.job_id });
  await compareState(app, model, "seeding servers");
}
