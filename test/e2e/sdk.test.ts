/**
 * End to end with the official Huawei Cloud Node.js SDK: every call below is signed by the SDK's own AK/SK signer,
 * goes over real HTTP to a real server, and is read back through the SDK, as a user's script would.
 * Runs against SQLite always, and against PostgreSQL too when ECS_VIP_TEST_PG is set.
 */
import { BasicCredentials, Region } from "@huaweicloud/huaweicloud-sdk-core";
import { ClientRequestException } from "@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js";
import { Logger4jInstance } from "@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger.js";
import * as ecs from "@huaweicloud/huaweicloud-sdk-ecs/v2/public-api.js";
import * as iam from "@huaweicloud/huaweicloud-sdk-iam/v3/public-api.js";
import * as vpc from "@huaweicloud/huaweicloud-sdk-vpc/v2/public-api.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SERVER_STORE_KINDS } from "../support/postgres.js";
import { startTestServer, type TestServer } from "../support/server.js";

// The SDK logs every error response, credentials included, to stdout at debug level.
Logger4jInstance.level = "off";

/** Awaits a call the server must refuse; returns the SDK's exception after checking what every SDK user relies on. */
async function sdkError(call: Promise<unknown>, status: number, code: string): Promise<ClientRequestException> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClientRequestException);
  const exception = error as ClientRequestException;
  expect({ status: exception.httpStatusCode, code: exception.errorCode }).toEqual({ status, code });
  expect(exception.errorMsg).toMatch(/\S/);
  expect(exception.requestId).toMatch(/^[0-9a-f]{32}$/);
  return exception;
}

const VIP = "192.168.0.100";

// One user's session through the official SDK, told in steps (build, bind, unbind, errors, IAM, regions): each step
// starts from the state the previous ones left, so the steps keep their order even under --sequence.shuffle (the
// runner honours `shuffle` here, which describe.each's option type leaves out).
const IN_ORDER = { shuffle: false, timeout: 60_000 };
describe.each(SERVER_STORE_KINDS)("official SDK against the $label store", IN_ORDER, (kind) => {
  let server: TestServer;
  let drop: () => Promise<void>;
  let vpcClient: vpc.VpcClient;
  let ecsClient: ecs.EcsClient;
  let iamClient: iam.IamClient;
  let vpcId: string;
  let subnet: any;
  let nics: { serverId: string; portId: string; ip: string; mac: string }[] = [];

  beforeAll(async () => {
    if (kind.needs.skip) return;
    const opened = await kind.open();
    drop = opened.drop;
    // A build long enough that the first showJob sees RUNNING even on a loaded machine.
    server = await startTestServer({ ...(opened.db ? { db: opened.db } : {}), buildMs: 1500 });
    const credentials = new BasicCredentials()
      .withAk(server.accessKey)
      .withSk(server.secretKey)
      .withProjectId(server.projectId);
    vpcClient = vpc.VpcClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build();
    ecsClient = ecs.EcsClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build();
    iamClient = iam.IamClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build();
  });
  // A store this machine lacks: every step is reported as skipped, the reason in the suite's title.
  beforeEach((context) => {
    if (kind.needs.skip) context.skip(kind.needs.reason);
  });
  afterAll(async () => {
    await server?.dispose();
    await drop?.();
  });

  const showPort = async (id: string): Promise<any> =>
    ((await vpcClient.neutronShowPort(new vpc.NeutronShowPortRequest(id))) as any).port;

  async function portsWithIp(ip: string): Promise<any[]> {
    const listed: any = await vpcClient.neutronListPorts(
      new vpc.NeutronListPortsRequest().withFixedIps([`ip_address=${ip}`]),
    );
    return listed.ports;
  }

  const dump = () => server.store.read((tx) => tx.admin.dump());

  it("builds a VPC, a subnet and two servers, whose creation job runs and then succeeds", async () => {
    const createdVpc: any = await vpcClient.createVpc(
      new vpc.CreateVpcRequest().withBody(
        new vpc.CreateVpcRequestBody(new vpc.CreateVpcOption().withName("vpc-sdk").withCidr("192.168.0.0/16")),
      ),
    );
    expect(createdVpc.vpc).toMatchObject({ name: "vpc-sdk", cidr: "192.168.0.0/16", status: "OK" });
    vpcId = createdVpc.vpc.id;

    const createdSubnet: any = await vpcClient.createSubnet(
      new vpc.CreateSubnetRequest().withBody(
        new vpc.CreateSubnetRequestBody(
          new vpc.CreateSubnetOption("subnet-sdk", "192.168.0.0/24", vpcId, "192.168.0.1"),
        ),
      ),
    );
    subnet = createdSubnet.subnet;
    expect(subnet).toMatchObject({ vpc_id: vpcId, cidr: "192.168.0.0/24", gateway_ip: "192.168.0.1" });
    expect(subnet.neutron_subnet_id).not.toBe(subnet.id);

    const created: any = await ecsClient.createPostPaidServers(
      new ecs.CreatePostPaidServersRequest().withBody(
        new ecs.CreatePostPaidServersRequestBody(
          new ecs.PostPaidServer(
            "s6.small.1",
            "image-1",
            "vm-sdk",
            [new ecs.PostPaidServerNic().withSubnetId(subnet.id)],
            new ecs.PostPaidServerRootVolume("SSD").withSize(40),
            vpcId,
          ).withCount(2),
        ),
      ),
    );
    expect(created.serverIds).toHaveLength(2);
    const first: any = await ecsClient.showJob(new ecs.ShowJobRequest(created.job_id));
    expect(first.status).toBe("RUNNING");

    const deadline = Date.now() + 10_000;
    let job: any = first;
    while (job.status === "RUNNING" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = await ecsClient.showJob(new ecs.ShowJobRequest(created.job_id));
    }
    expect(job.status).toBe("SUCCESS");
    expect(job.entities.sub_jobs_total).toBe(2);

    nics = [];
    for (const serverId of created.serverIds as string[]) {
      const shown: any = await ecsClient.showServer(new ecs.ShowServerRequest(serverId));
      expect(shown.server.status).toBe("ACTIVE");
      const listed: any = await ecsClient.listServerInterfaces(new ecs.ListServerInterfacesRequest(serverId));
      expect(listed.interfaceAttachments).toHaveLength(1);
      const nic = listed.interfaceAttachments[0];
      expect(nic.net_id).toBe(subnet.id);
      expect(nic.fixed_ips).toEqual([{ subnet_id: subnet.neutron_subnet_id, ip_address: expect.any(String) }]);
      nics.push({ serverId, portId: nic.port_id, ip: nic.fixed_ips[0].ip_address, mac: nic.mac_addr });
    }
    // Automatic allocation starts at network + 2 and hands out each address once.
    expect(nics.map((nic) => nic.ip).sort()).toEqual(["192.168.0.2", "192.168.0.3"]);
    for (const nic of nics) {
      expect(await showPort(nic.portId)).toMatchObject({
        device_id: nic.serverId,
        device_owner: "compute:local-1a",
        mac_address: nic.mac,
        allowed_address_pairs: [],
      });
    }
  });

  it("binds a new VIP to both NICs with reverse binding, and every port reads back exactly", async () => {
    const [a, b] = nics as [(typeof nics)[0], (typeof nics)[0]];
    expect(await portsWithIp(VIP)).toEqual([]);
    for (const nic of [a, b]) {
      const bound: any = await ecsClient.associateServerVirtualIp(
        new ecs.AssociateServerVirtualIpRequest(nic.portId).withBody(
          new ecs.AssociateServerVirtualIpRequestBody(
            new ecs.AssociateServerVirtualIpOption(subnet.id, VIP).withReverseBinding(true),
          ),
        ),
      );
      expect(bound.port_id).toBe(nic.portId);
    }

    expect((await showPort(a.portId)).allowed_address_pairs).toEqual([{ ip_address: VIP, mac_address: a.mac }]);
    expect((await showPort(b.portId)).allowed_address_pairs).toEqual([{ ip_address: VIP, mac_address: b.mac }]);

    const found = await portsWithIp(VIP);
    expect(found).toHaveLength(1);
    const vip = found[0];
    expect(vip).toMatchObject({
      device_owner: "neutron:VIP_PORT",
      device_id: "",
      status: "DOWN",
      name: "",
      network_id: subnet.id,
      fixed_ips: [{ subnet_id: subnet.neutron_subnet_id, ip_address: VIP }],
    });
    expect(vip.allowed_address_pairs).toEqual([
      { ip_address: a.ip, mac_address: a.mac },
      { ip_address: b.ip, mac_address: b.mac },
    ]);
    expect(await showPort(vip.id)).toEqual(vip);

    const vipPorts: any = await vpcClient.neutronListPorts(
      new vpc.NeutronListPortsRequest().withDeviceOwner("neutron:VIP_PORT"),
    );
    expect(vipPorts.ports.map((port: any) => port.id)).toEqual([vip.id]);
  });

  it("unbinds one NIC with empty strings: its pairs go, and the VIP keeps only the other NIC", async () => {
    const [a, b] = nics as [(typeof nics)[0], (typeof nics)[0]];
    const unbound: any = await ecsClient.disassociateServerVirtualIp(
      new ecs.DisassociateServerVirtualIpRequest(a.portId).withBody(
        new ecs.DisassociateServerVirtualIpRequestBody(new ecs.DisassociateServerVirtualIpOption("", "")),
      ),
    );
    expect(unbound.port_id).toBe(a.portId);

    expect((await showPort(a.portId)).allowed_address_pairs).toEqual([]);
    expect((await showPort(b.portId)).allowed_address_pairs).toEqual([{ ip_address: VIP, mac_address: b.mac }]);
    const [vip, ...others] = await portsWithIp(VIP);
    expect(others).toEqual([]);
    expect(vip.device_owner).toBe("neutron:VIP_PORT");
    expect(vip.allowed_address_pairs).toEqual([{ ip_address: b.ip, mac_address: b.mac }]);
  });

  it("surfaces cloud error codes and request ids through the SDK's exceptions, changing nothing", async () => {
    const [a] = nics as [(typeof nics)[0]];
    const before = await dump();
    await sdkError(
      ecsClient.associateServerVirtualIp(
        new ecs.AssociateServerVirtualIpRequest(a.portId).withBody(
          new ecs.AssociateServerVirtualIpRequestBody(
            new ecs.AssociateServerVirtualIpOption(subnet.id, "192.168.1.10"),
          ),
        ),
      ),
      400,
      "Ecs.0039",
    );
    await sdkError(
      ecsClient.associateServerVirtualIp(
        new ecs.AssociateServerVirtualIpRequest(a.portId).withBody(
          new ecs.AssociateServerVirtualIpRequestBody(
            new ecs.AssociateServerVirtualIpOption(subnet.neutron_subnet_id, "192.168.0.101"),
          ),
        ),
      ),
      400,
      "Ecs.0038",
    );
    expect(await dump()).toEqual(before);

    // A DELETE from the SDK carries Content-Type: application/json and no body; it must work, and then the VPC is gone.
    const spare: any = await vpcClient.createVpc(
      new vpc.CreateVpcRequest().withBody(new vpc.CreateVpcRequestBody(new vpc.CreateVpcOption().withName("spare"))),
    );
    const deleted: any = await vpcClient.deleteVpc(new vpc.DeleteVpcRequest(spare.vpc.id));
    expect(deleted.httpStatusCode).toBe(204);
    await sdkError(vpcClient.showVpc(new vpc.ShowVpcRequest(spare.vpc.id)), 404, "VPC.0003");
    // The SDK puts path parameters into the URL unescaped: a stray `%` cannot be routed, yet keeps a code and an id.
    await sdkError(vpcClient.showVpc(new vpc.ShowVpcRequest("a b:c%")), 400, "APIGW.0201");

    const wrongSecret = new BasicCredentials()
      .withAk(server.accessKey)
      .withSk(`${server.secretKey}x`)
      .withProjectId(server.projectId);
    const impostor = vpc.VpcClient.newBuilder().withCredential(wrongSecret).withEndpoint(server.url).build();
    await sdkError(impostor.showVpc(new vpc.ShowVpcRequest(vpcId)), 401, "APIGW.0301");
  });

  it("issues a token through IAM that then works as X-Auth-Token, and lists the project", async () => {
    const issued: any = await iamClient.keystoneCreateUserTokenByPassword(
      new iam.KeystoneCreateUserTokenByPasswordRequest().withBody(
        new iam.KeystoneCreateUserTokenByPasswordRequestBody(
          new iam.PwdAuth(
            new iam.PwdIdentity(
              ["password"],
              new iam.PwdPassword(
                new iam.PwdPasswordUser(new iam.PwdPasswordUserDomain("default"), "admin", server.password),
              ),
            ),
            new iam.AuthScope().withProject(new iam.AuthScopeProject().withId(server.projectId)),
          ),
        ),
      ),
    );
    expect(issued.httpStatusCode).toBe(201);
    expect(issued.token.project.id).toBe(server.projectId);
    const token = issued["X-Subject-Token"];
    expect(token).toMatch(/\S{20,}/);

    const [a] = nics as [(typeof nics)[0]];
    const response = await fetch(`${server.url}/v1/${server.projectId}/cloudservers/${a.serverId}`, {
      headers: { "X-Auth-Token": token },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).server.id).toBe(a.serverId);
    const refused = await fetch(`${server.url}/v1/${server.projectId}/cloudservers/${a.serverId}`, {
      headers: { "X-Auth-Token": `${token}x` },
    });
    expect(refused.status).toBe(401);

    await sdkError(
      iamClient.keystoneCreateUserTokenByPassword(
        new iam.KeystoneCreateUserTokenByPasswordRequest().withBody(
          new iam.KeystoneCreateUserTokenByPasswordRequestBody(
            new iam.PwdAuth(
              new iam.PwdIdentity(
                ["password"],
                new iam.PwdPassword(
                  new iam.PwdPasswordUser(new iam.PwdPasswordUserDomain("default"), "admin", "wrong"),
                ),
              ),
            ),
          ),
        ),
      ),
      401,
      "IAM.0004",
    );

    const all: any = await iamClient.keystoneListProjects(new iam.KeystoneListProjectsRequest());
    expect(all.projects.map((project: any) => [project.id, project.name])).toEqual([[server.projectId, "local-1"]]);
    const byName: any = await iamClient.keystoneListProjects(new iam.KeystoneListProjectsRequest().withName("local-1"));
    expect(byName.projects.map((project: any) => project.id)).toEqual([server.projectId]);
    const none: any = await iamClient.keystoneListProjects(new iam.KeystoneListProjectsRequest().withName("nope"));
    expect(none.projects).toEqual([]);
  });

  it("finds the project by region name itself when a client is built with a region and no project id", async () => {
    // The SDK then asks GET /v3/projects?name=<region> first, signing a `{}` body on that GET.
    const byProjectName = vpc.VpcClient.newBuilder()
      .withCredential(
        new BasicCredentials().withAk(server.accessKey).withSk(server.secretKey).withIamEndpoint(server.url),
      )
      .withRegion(new Region("local-1", server.url))
      .build();
    const shown: any = await byProjectName.showVpc(new vpc.ShowVpcRequest(vpcId));
    expect(shown.vpc.id).toBe(vpcId);
  });
});
