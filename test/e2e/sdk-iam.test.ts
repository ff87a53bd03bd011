/**
 * IAM through the official SDK's IamClient over real HTTP, signed by the SDK: projects, users, groups, role grants,
 * permanent access keys; a key made inactive or deleted stops working at once, including for a client that signed
 * with it a moment before.
 */
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
import { ClientRequestException } from "@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js";
import { Logger4jInstance } from "@huaweicloud/huaweicloud-sdk-core/logger/log4jLogger.js";
import * as iam from "@huaweicloud/huaweicloud-sdk-iam/v3/public-api.js";
import * as vpc from "@huaweicloud/huaweicloud-sdk-vpc/v2/public-api.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";

Logger4jInstance.level = "off";

async function refusal(call: Promise<unknown>): Promise<{ status: unknown; code: unknown }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClientRequestException);
  const exception = error as ClientRequestException;
  return { status: exception.httpStatusCode, code: exception.errorCode };
}

describe("IAM through the official SDK", { timeout: 60_000 }, () => {
  let server: TestServer;
  let admin: iam.IamClient;
  const clientsFor = (ak: string, sk: string) => {
    const credentials = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(server.projectId);
    return {
      iam: iam.IamClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build(),
      vpc: vpc.VpcClient.newBuilder().withCredential(credentials).withEndpoint(server.url).build(),
    };
  };

  beforeAll(async () => {
    server = await startTestServer();
    admin = clientsFor(server.accessKey, server.secretKey).iam;
  });
  afterAll(() => server?.dispose());

  it("creates a project, a user, a group with VPC ReadOnlyAccess, and a key the user reads with and cannot write with", async () => {
    const project: any = await admin.keystoneCreateProject(
      new iam.KeystoneCreateProjectRequest().withBody(
        new iam.KeystoneCreateProjectRequestBody(new iam.KeystoneCreateProjectOption("local-1_sdk", server.projectId)),
      ),
    );
    expect(project.project.name).toBe("local-1_sdk");
    const shown: any = await admin.keystoneShowProject(new iam.KeystoneShowProjectRequest());
    expect(shown.project.id).toBe(server.projectId);
    const listed: any = await admin.keystoneListProjects(new iam.KeystoneListProjectsRequest().withName("local-1_sdk"));
    expect(listed.projects.map((p: any) => p.id)).toEqual([project.project.id]);

    const created: any = await admin.createUser(
      new iam.CreateUserRequest().withBody(
        new iam.CreateUserRequestBody(
          new iam.CreateUserOption("sdk-reader").withPassword("Sdk-Reader-1").withDescription("through the SDK"),
        ),
      ),
    );
    const userId = created.user.id as string;
    expect(created.user.name).toBe("sdk-reader");
    const users: any = await admin.keystoneListUsers(new iam.KeystoneListUsersRequest().withName("sdk-reader"));
    expect(users.users.map((u: any) => u.id)).toEqual([userId]);
    const updated: any = await admin.keystoneUpdateUserByAdmin(
      new iam.KeystoneUpdateUserByAdminRequest(userId).withBody(
        new iam.KeystoneUpdateUserByAdminRequestBody(new iam.KeystoneUpdateUserOption().withDescription("changed")),
      ),
    );
    expect(updated.user.description).toBe("changed");

    const group: any = await admin.keystoneCreateGroup(
      new iam.KeystoneCreateGroupRequest().withBody(
        new iam.KeystoneCreateGroupRequestBody(new iam.KeystoneCreateGroupOption("sdk-readers")),
      ),
    );
    const groupId = group.group.id as string;
    await admin.keystoneAddUserToGroup(new iam.KeystoneAddUserToGroupRequest(groupId, userId));
    const groups: any = await admin.keystoneListGroups(new iam.KeystoneListGroupsRequest().withName("sdk-readers"));
    expect(groups.groups.map((g: any) => g.id)).toEqual([groupId]);

    const roles: any = await admin.keystoneListPermissions(
      new iam.KeystoneListPermissionsRequest().withDisplayName("VPC ReadOnlyAccess"),
    );
    const roleId = roles.roles[0].id as string;
    await admin.keystoneAssociateGroupWithProjectPermission(
      new iam.KeystoneAssociateGroupWithProjectPermissionRequest(groupId, roleId),
    );
    await admin.keystoneCheckProjectPermissionForGroup(
      new iam.KeystoneCheckProjectPermissionForGroupRequest(groupId, roleId),
    );

    const key: any = await admin.createPermanentAccessKey(
      new iam.CreatePermanentAccessKeyRequest().withBody(
        new iam.CreatePermanentAccessKeyRequestBody(new iam.CreateCredentialOption(userId).withDescription("ci")),
      ),
    );
    const { access, secret } = key.credential;
    const reader = clientsFor(access, secret);
    const vpcs: any = await reader.vpc.listVpcs(new vpc.ListVpcsRequest());
    expect(vpcs.vpcs).toEqual([]);
    expect(
      await refusal(
        reader.vpc.createVpc(
          new vpc.CreateVpcRequest().withBody(
            new vpc.CreateVpcRequestBody(new vpc.CreateVpcOption().withName("x").withCidr("10.0.0.0/16")),
          ),
        ),
      ),
    ).toEqual({ status: 403, code: "VPC.2201" });
    // No IAM permission, but its own keys are its own.
    const own: any = await reader.iam.listPermanentAccessKeys(new iam.ListPermanentAccessKeysRequest());
    expect(own.credentials.map((c: any) => c.access)).toEqual([access]);
    expect(await refusal(reader.iam.keystoneListUsers(new iam.KeystoneListUsersRequest()))).toEqual({
      status: 403,
      code: "IAM.0003",
    });

    const one: any = await admin.showPermanentAccessKey(new iam.ShowPermanentAccessKeyRequest(access));
    expect(one.credential).toEqual(expect.objectContaining({ access, status: "active", user_id: userId }));
    await admin.updatePermanentAccessKey(
      new iam.UpdatePermanentAccessKeyRequest(access).withBody(
        new iam.UpdatePermanentAccessKeyRequestBody(new iam.UpdateCredentialOption().withStatus("inactive")),
      ),
    );
    expect(await refusal(reader.vpc.listVpcs(new vpc.ListVpcsRequest()))).toEqual({ status: 401, code: "APIGW.0301" });
    await admin.updatePermanentAccessKey(
      new iam.UpdatePermanentAccessKeyRequest(access).withBody(
        new iam.UpdatePermanentAccessKeyRequestBody(new iam.UpdateCredentialOption().withStatus("active")),
      ),
    );
    await reader.vpc.listVpcs(new vpc.ListVpcsRequest());
    await admin.keystoneRemoveProjectPermissionFromGroup(
      new iam.KeystoneRemoveProjectPermissionFromGroupRequest(groupId, roleId),
    );
    expect(await refusal(reader.vpc.listVpcs(new vpc.ListVpcsRequest()))).toEqual({ status: 403, code: "VPC.2201" });
    await admin.deletePermanentAccessKey(new iam.DeletePermanentAccessKeyRequest(access));
    expect(await refusal(reader.vpc.listVpcs(new vpc.ListVpcsRequest()))).toEqual({ status: 401, code: "APIGW.0301" });
    await admin.keystoneDeleteUser(new iam.KeystoneDeleteUserRequest(userId));
    expect(await refusal(admin.keystoneShowUser(new iam.KeystoneShowUserRequest(userId)))).toEqual({
      status: 404,
      code: "IAM.0011",
    });
  });
});
