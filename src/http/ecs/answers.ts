/** The ECS service's answers (for the OpenAPI document). */
import { anyObject, arrayOf, bool, int, shape, str, wrap } from "../openapi/answers.js";
import { fixedIp } from "../shared/answers.js";

const server = shape("id name status tenant_id created updated description key_name", {
  addresses: { type: "object", additionalProperties: arrayOf(anyObject) },
  flavor: anyObject,
  image: anyObject,
  metadata: { type: "object", additionalProperties: str },
  progress: int,
  locked: bool,
  tags: arrayOf(str),
});
const nicInterface = shape("port_state net_id port_id mac_addr", {
  fixed_ips: arrayOf(fixedIp),
  delete_on_termination: bool,
});
const job = shape("status job_id job_type begin_time end_time fail_reason", {
  entities: anyObject,
  error_code: { type: ["string", "null"] },
});

export const ecsAnswers = {
  server: wrap("server", server),
  servers: { type: "object", properties: { count: int, servers: arrayOf(server) } },
  interfaces: wrap("interfaceAttachments", arrayOf(nicInterface)),
  job,
  jobId: wrap("job_id", str),
  createdServers: { type: "object", properties: { job_id: str, serverIds: arrayOf(str) } },
  portId: wrap("port_id", str),
  limits: wrap("absolute", { type: "object", additionalProperties: { type: ["integer", "array"] } }),
};
