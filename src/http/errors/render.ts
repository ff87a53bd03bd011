import type { ErrorSpec } from "../../errors/registry.js";

const IAM_TITLES: Record<number, string> = {
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** The body each cloud service wraps its errors in. */
export function errorBody(spec: ErrorSpec, message: string, requestId: string): unknown {
  switch (spec.envelope) {
    case "ecs":
      return { error: { code: spec.code, message } };
    case "vpc":
      // The VPC v1 shape, plus the keys the official SDKs read codes from, so SDK users see the code too.
      return { code: spec.code, message, error_code: spec.code, error_msg: message };
    case "neutron":
      return { NeutronError: { type: spec.code, message, detail: "" } };
    case "iam":
      return {
        error: {
          code: spec.code,
          message,
          title: IAM_TITLES[spec.status] ?? "Bad Request",
        },
      };
    case "apigw":
      return { error_msg: message, error_code: spec.code, request_id: requestId };
  }
}
