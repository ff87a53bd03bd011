/** The IAM service's answers (for the OpenAPI document). */
import { anyObject, arrayOf, bool, int, shape, wrap } from "../openapi/answers.js";

const user = shape("id name domain_id description create_time", { enabled: bool, links: anyObject });
const group = shape("id name domain_id description", { create_time: int, links: anyObject });
const role = shape("id name display_name description catalog type", { policy: anyObject, links: anyObject });
const credential = shape("access secret user_id status description create_time");
const project = shape("id name description domain_id parent_id", {
  enabled: bool,
  is_domain: bool,
  links: anyObject,
});
const version = shape("id status updated", { links: arrayOf(anyObject), "media-types": arrayOf(anyObject) });

const domain = shape("id name description", { enabled: bool });

export const iamAnswers = {
  domain: wrap("domain", domain),
  domains: { type: "object", properties: { domains: arrayOf(domain), links: anyObject } },
  token: wrap("token", anyObject),
  project: wrap("project", project),
  projects: { type: "object", properties: { projects: arrayOf(project), links: anyObject } },
  version: wrap("version", version),
  versions: wrap("versions", shape("", { values: arrayOf(version) })),
  user: wrap("user", user),
  users: { type: "object", properties: { users: arrayOf(user), links: anyObject } },
  group: wrap("group", group),
  groups: { type: "object", properties: { groups: arrayOf(group), links: anyObject } },
  roles: { type: "object", properties: { roles: arrayOf(role), links: anyObject, total_number: int } },
  credential: wrap("credential", credential),
  credentials: wrap("credentials", arrayOf(credential)),
  auditRecords: wrap("records", arrayOf(anyObject)),
};
