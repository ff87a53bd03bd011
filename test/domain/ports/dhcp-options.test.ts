import { describe, expect, it } from "vitest";
import { mergeDhcpOptions } from "../../../src/domain/ports/dhcp-options.js";

describe("extra_dhcp_opts updates", () => {
  const existing = [
    { optName: "tftp-server", optValue: "10.0.0.9" },
    { optName: "bootfile-name", optValue: "pxelinux.0" },
    { optName: "dns-server", optValue: "fd00::53", ipVersion: 6 },
  ];

  it("replace an option of the same name and IP version in place, add new ones, keep the others", () => {
    expect(
      mergeDhcpOptions(existing, [
        { optName: "tftp-server", optValue: "10.0.0.10" },
        { optName: "dns-server", optValue: "10.0.0.53" },
      ]),
    ).toEqual([
      { optName: "tftp-server", optValue: "10.0.0.10" },
      { optName: "bootfile-name", optValue: "pxelinux.0" },
      { optName: "dns-server", optValue: "fd00::53", ipVersion: 6 },
      { optName: "dns-server", optValue: "10.0.0.53" },
    ]);
  });

  it("remove an option given with a null value, and only that IP version's", () => {
    expect(
      mergeDhcpOptions(existing, [
        { optName: "bootfile-name", optValue: null },
        { optName: "dns-server", optValue: null },
      ]),
    ).toEqual([
      { optName: "tftp-server", optValue: "10.0.0.9" },
      { optName: "dns-server", optValue: "fd00::53", ipVersion: 6 },
    ]);
    expect(mergeDhcpOptions([], [{ optName: "x", optValue: null }])).toEqual([]);
  });
});
