import { BOOTSTRAP_ACCOUNT } from "../../domain/iam/well-known-names.js";
import type { Job, Network, Port, Project, Server, Subnet, Vpc } from "../../domain/model.js";
import type { SecurityGroup, SecurityGroupRule } from "../../domain/security-groups/model.js";
import type { Store } from "../../store/store.js";

export const STATE_FORMAT = "ecs-vip-project-state";
export const STATE_VERSION = 2;

/** A project's resources with their ids, as `ecs-vip export` writes and `ecs-vip import` reads them. */
export interface ProjectState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  project: { id: string; name: string; description: string };
  vpcs: Vpc[];
  networks: Network[];
  subnets: Subnet[];
  /** The project's groups; `defaultSecurityGroupId` names its default group among them. */
  securityGroups: SecurityGroup[];
  securityGroupRules: SecurityGroupRule[];
  defaultSecurityGroupId: string | null;
  servers: Server[];
  /** Every port of the project: NICs, VIP ports, private IPs and the subnets' own ports, with pairs. */
  ports: Port[];
  /** The jobs the servers name (their creation jobs). */
  jobs: Job[];
}

/** Refused import: the reason is the message. */
export class StateError extends Error {}

const ALL = { limit: 1_000_000_000 };
const byId = <T extends { id: string }>(items: T[]) =>
  [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** The projects of the bootstrap account, for choosing the one to export. */
export async function listStoreProjects(store: Store): Promise<Project[]> {
  return store.read(async (tx) => {
    const account = await tx.iam.getAccountByName(BOOTSTRAP_ACCOUNT);
    return account ? tx.iam.listProjects(account.id, {}) : [];
  });
}

/** One consistent snapshot of a project's resources, sorted by id so two exports of the same state are equal. */
export async function exportProject(store: Store, projectId: string): Promise<ProjectState> {
  return store.read(async (tx) => {
    const project = await tx.iam.getProject(projectId);
    if (!project) throw new StateError(`no project ${projectId} in the store`);
    const servers = await tx.compute.listServers(projectId, {});
    const jobIds = [...new Set(servers.map((server) => server.jobId).filter((id) => id !== ""))];
    const jobs: Job[] = [];
    for (const id of jobIds) {
      const job = await tx.compute.getJob(id);
      if (job) jobs.push(job);
    }
    return {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      project: { id: project.id, name: project.name, description: project.description },
      vpcs: byId(await tx.networks.listVpcs(projectId, ALL)),
      networks: byId(await tx.networks.listNetworks(projectId, {})),
      subnets: byId(await tx.networks.listSubnets(projectId, { page: ALL })),
      securityGroups: byId(await tx.securityGroups.listGroups(projectId, {})),
      securityGroupRules: byId(await tx.securityGroups.listRules(projectId, {})),
      defaultSecurityGroupId: (await tx.securityGroups.getDefaultGroup(projectId))?.id ?? null,
      servers: byId(servers),
      ports: byId(await tx.ports.list({ projectId })),
      jobs: byId(jobs),
    };
  });
}

function assertState(value: unknown): asserts value is ProjectState {
  const state = value as Partial<ProjectState> | null;
  if (typeof state !== "object" || state === null || state.format !== STATE_FORMAT) {
    throw new StateError(`not an ecs-vip export (no "format": "${STATE_FORMAT}")`);
  }
  if (state.version !== STATE_VERSION) throw new StateError(`unsupported export version ${String(state.version)}`);
  for (const key of [
    "vpcs",
    "networks",
    "subnets",
    "securityGroups",
    "securityGroupRules",
    "servers",
    "ports",
    "jobs",
  ] as const) {
    if (!Array.isArray(state[key])) throw new StateError(`"${key}" must be an array`);
  }
  if (typeof state.project?.id !== "string") throw new StateError(`"project.id" must be a string`);
}

/**
 * Restores an export with its ids in one transaction: all of it or nothing. The project is created under the
 * account `default` when the store lacks it; any resource whose id already exists refuses the whole import, so
 * importing into a store that holds other resources of the project cannot mix two states.
 */
export async function importProject(
  store: Store,
  value: unknown,
): Promise<{ projectId: string; counts: Record<string, number> }> {
  assertState(value);
  const state = value;
  return store.write(async (tx) => {
    if (!(await tx.iam.getProject(state.project.id))) {
      const account = await tx.iam.getAccountByName(BOOTSTRAP_ACCOUNT);
      if (!account) {
        throw new StateError(
          `the store has no account "${BOOTSTRAP_ACCOUNT}": start "ecs-vip serve" on it once, then import`,
        );
      }
      const [sameName] = await tx.iam.listProjects(account.id, { name: state.project.name });
      if (sameName) {
        throw new StateError(
          `the store's project ${sameName.name} has another id (${sameName.id}); import into a store bootstrapped ` +
            `with ECS_VIP_BOOTSTRAP_PROJECT_ID=${state.project.id}, or with another ECS_VIP_PROJECT_NAME`,
        );
      }
      await tx.iam.insertProject({
        id: state.project.id,
        accountId: account.id,
        name: state.project.name,
        description: state.project.description ?? "",
      });
    }
    const taken = async (kind: string, id: string, found: unknown) => {
      if (found) throw new StateError(`${kind} ${id} already exists in the store: import into an empty project`);
    };
    for (const vpc of state.vpcs) await taken("vpc", vpc.id, await tx.networks.getVpc(vpc.id));
    for (const network of state.networks) await taken("network", network.id, await tx.networks.getNetwork(network.id));
    for (const subnet of state.subnets) await taken("subnet", subnet.id, await tx.networks.getSubnet(subnet.id));
    for (const server of state.servers) await taken("server", server.id, await tx.compute.getServer(server.id));
    for (const port of state.ports) await taken("port", port.id, await tx.ports.get(port.id));
    for (const job of state.jobs) await taken("job", job.id, await tx.compute.getJob(job.id));
    const mine = <T extends { projectId: string }>(item: T) => ({ ...item, projectId: state.project.id });
    // A project has one default group. The store made its own when it made the project; while nothing uses it, it
    // gives way to the export's (ids kept). A default group already in use stays, and the export's is mapped to it.
    const groupIds = new Map<string, string>();
    const existingDefault = await tx.securityGroups.getDefaultGroup(state.project.id);
    if (existingDefault && state.defaultSecurityGroupId && existingDefault.id !== state.defaultSecurityGroupId) {
      if ((await tx.securityGroups.countPortsOfGroup(existingDefault.id)) === 0)
        await tx.securityGroups.deleteGroup(existingDefault.id);
      else groupIds.set(state.defaultSecurityGroupId, existingDefault.id);
    }
    const groupId = (id: string) => groupIds.get(id) ?? id;
    const importedGroups = state.securityGroups.filter((group) => !groupIds.has(group.id));
    for (const group of importedGroups) {
      await taken("security group", group.id, await tx.securityGroups.getGroup(group.id));
    }
    for (const vpc of state.vpcs) await tx.networks.insertVpc(mine(vpc));
    for (const network of state.networks) await tx.networks.insertNetwork(mine(network));
    for (const subnet of state.subnets) await tx.networks.insertSubnet(mine(subnet));
    for (const group of importedGroups) {
      await tx.securityGroups.insertGroup(mine(group), group.id === state.defaultSecurityGroupId);
    }
    for (const rule of state.securityGroupRules) {
      if (groupIds.has(rule.securityGroupId)) continue;
      const remoteGroupId = rule.remoteGroupId === null ? null : groupId(rule.remoteGroupId);
      await tx.securityGroups.insertRule({ ...mine(rule), remoteGroupId });
    }
    for (const server of state.servers) await tx.compute.insertServer(mine(server));
    for (const job of state.jobs) await tx.compute.insertJob(mine(job));
    for (const port of state.ports) {
      await tx.ports.insert({ ...mine(port), securityGroupIds: port.securityGroupIds.map(groupId) });
    }
    return {
      projectId: state.project.id,
      counts: {
        vpcs: state.vpcs.length,
        networks: state.networks.length,
        subnets: state.subnets.length,
        securityGroups: importedGroups.length,
        servers: state.servers.length,
        ports: state.ports.length,
        jobs: state.jobs.length,
      },
    };
  });
}
