import { fail } from "../../errors/cloud-error.js";

/** JSON-schema properties of a create body that may name its project (Neutron's `project_id` and legacy `tenant_id`). */
export const projectNaming = {
  project_id: { type: "string", minLength: 1, maxLength: 64 },
  tenant_id: { type: "string", minLength: 1, maxLength: 64 },
} as const;

export interface ProjectNaming {
  project_id?: string;
  tenant_id?: string;
}

/** The project a create body names, if any; both keys must then agree (Neutron's text when they do not). */
export function namedProject(body: ProjectNaming): string | undefined {
  if (body.project_id !== undefined && body.tenant_id !== undefined && body.project_id !== body.tenant_id) {
    fail("neutronBadRequest", "'project_id' and 'tenant_id' do not match");
  }
  return body.project_id ?? body.tenant_id;
}
