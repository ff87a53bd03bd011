import type { ErrorId } from "../../errors/registry.js";

/** The codes one API (VPC v1, Neutron, ECS) answers each security-group outcome with. */
export interface SecurityGroupErrors {
  invalid: ErrorId;
  notFound: ErrorId;
  inUse: ErrorId;
  defaultUndeletable: ErrorId;
  /** Creating a second group named `default`, or renaming a group to it. */
  defaultNameTaken: ErrorId;
  defaultUnchangeable: ErrorId;
  ruleNotFound: ErrorId;
  ruleExists: ErrorId;
}

export const VPC_SECURITY_GROUP_ERRORS: SecurityGroupErrors = {
  invalid: "sgInvalidParameter",
  notFound: "sgNotFound",
  inUse: "sgInUse",
  defaultUndeletable: "sgDefaultUndeletable",
  defaultNameTaken: "sgInvalidParameter",
  defaultUnchangeable: "sgInvalidParameter",
  ruleNotFound: "sgRuleNotFound",
  ruleExists: "sgRuleExists",
};

export const NEUTRON_SECURITY_GROUP_ERRORS: SecurityGroupErrors = {
  invalid: "neutronInvalidInput",
  notFound: "neutronSgNotFound",
  inUse: "neutronSgInUse",
  defaultUndeletable: "neutronSgDefaultUndeletable",
  defaultNameTaken: "neutronSgDefaultExists",
  defaultUnchangeable: "neutronSgDefaultUnchangeable",
  ruleNotFound: "neutronSgRuleNotFound",
  ruleExists: "neutronSgRuleExists",
};
