/**
 * The Neutron API extensions this server implements, as `GET /v2.0/extensions` lists them: clients (openstacksdk,
 * the `openstack` client, Terraform) check aliases before using a feature, so only what works is listed.
 */
export interface Extension {
  alias: string;
  name: string;
  description: string;
  updated: string;
}

export const EXTENSIONS: readonly Extension[] = [
  {
    alias: "allowed-address-pairs",
    name: "Allowed Address Pairs",
    description: "Provides allowed address pairs",
    updated: "2013-07-23T10:00:00-00:00",
  },
  {
    alias: "ext-gw-mode",
    name: "Neutron L3 Configurable external gateway mode",
    description: "Extension of the router abstraction for specifying whether SNAT should occur on the external gateway",
    updated: "2013-03-28T10:00:00-00:00",
  },
  {
    alias: "external-net",
    name: "Neutron external network",
    description: "Adds external network attribute to network resource.",
    updated: "2013-01-14T10:00:00-00:00",
  },
  {
    alias: "extra_dhcp_opt",
    name: "Neutron Extra DHCP options",
    description: "Extra options configuration for DHCP.",
    updated: "2013-03-17T12:00:00-00:00",
  },
  {
    alias: "extraroute",
    name: "Neutron Extra Route",
    description: "Extra routes configuration for L3 router",
    updated: "2013-02-01T10:00:00-00:00",
  },
  {
    alias: "extraroute-atomic",
    name: "Atomically add/remove extra routes",
    description: "Edit extra routes of a router on server side by atomically adding/removing extra routes",
    updated: "2019-07-10T00:00:00-00:00",
  },
  {
    alias: "fip-port-details",
    name: "Floating IP Port Details Extension",
    description: "Add port_details attribute to Floating IP resource",
    updated: "2018-04-09T10:00:00-00:00",
  },
  {
    alias: "ip-substring-filtering",
    name: "IP address substring filtering",
    description: "Provides IP address substring filtering when listing ports",
    updated: "2017-11-28T09:00:00-00:00",
  },
  {
    alias: "pagination",
    name: "Pagination support",
    description: "Extension that indicates that pagination is enabled.",
    updated: "2016-06-12T00:00:00-00:00",
  },
  {
    alias: "port-security",
    name: "Port Security",
    description: "Provides port security",
    updated: "2012-07-23T10:00:00-00:00",
  },
  {
    alias: "project-id",
    name: "project_id field enabled",
    description: "Extension that indicates that project_id field is enabled.",
    updated: "2016-09-09T09:09:09-09:09",
  },
  {
    alias: "revision-if-match",
    name: "If-Match constraints based on revision_number",
    description: "Extension indicating that If-Match based on revision_number is supported.",
    updated: "2016-12-11T00:00:00-00:00",
  },
  {
    alias: "router",
    name: "Neutron L3 Router",
    description:
      "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.",
    updated: "2012-07-20T10:00:00-00:00",
  },
  {
    alias: "security-group",
    name: "security-group",
    description: "The security groups extension.",
    updated: "2012-10-05T10:00:00-00:00",
  },
  {
    alias: "sorting",
    name: "Sorting support",
    description: "Extension that indicates that sorting is enabled.",
    updated: "2016-06-12T00:00:00-00:00",
  },
  {
    alias: "standard-attr-description",
    name: "standard-attr-description",
    description: "Extension to add descriptions to standard attributes",
    updated: "2016-02-10T10:00:00-00:00",
  },
  {
    alias: "standard-attr-revisions",
    name: "Resource revision numbers",
    description: "This extension will display the revision number of neutron resources.",
    updated: "2016-04-11T10:00:00-00:00",
  },
  {
    alias: "standard-attr-timestamp",
    name: "Resource timestamps",
    description:
      "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.",
    updated: "2016-09-12T10:00:00-00:00",
  },
];

export function extensionBody(extension: Extension) {
  return { ...extension, links: [] };
}
