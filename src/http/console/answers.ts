/** The console's API answers (for the OpenAPI document). */
import { arrayOf, bool, int, shape } from "../openapi/answers.js";

const topologyVpc = shape("id name cidr", {
  subnets: arrayOf(shape("id name cidr gatewayIp", { used: int, free: int })),
  servers: arrayOf(shape("id name status", { nics: arrayOf(shape("portId subnetId ip mac status")) })),
  vips: arrayOf(shape("portId subnetId ip deviceOwner")),
  bindings: arrayOf(shape("vipPortId vipIp nicPortId", { reverse: bool })),
});

export const consoleAnswers = {
  topology: shape("projectId", { vpcs: arrayOf(topologyVpc) }),
};
