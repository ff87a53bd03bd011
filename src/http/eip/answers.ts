/** The EIP service's answers (for the OpenAPI document). */
import { anyObject, arrayOf, int, shape, wrap } from "../openapi/answers.js";

const publicIp = shape(
  "id status type public_ip_address tenant_id create_time bandwidth_id bandwidth_share_type bandwidth_name " +
    "alias enterprise_project_id port_id private_ip_address",
  { ip_version: int, bandwidth_size: int, profile: anyObject },
);

export const eipAnswers = {
  publicip: wrap("publicip", publicIp),
  publicips: wrap("publicips", arrayOf(publicIp)),
};
