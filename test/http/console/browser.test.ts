/**
 * The web console in a real browser (Debian's chromium driven by playwright-core) against a real server process:
 * what the API made is drawn, a bind from the page is what the API then reports, the page follows changes made
 * through the API, and failures show the cloud's own code. Screenshots go to docs/screenshots/ (or
 * $ECS_VIP_SCREENSHOTS).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConsole } from "../../../scripts/build-console.js";
import { type Browser, HAS_CHROMIUM, launchChromium, NO_CHROMIUM_REASON } from "../../support/browser.js";
import { type ChildServer, REPO_ROOT, spawnServer } from "../../support/child-server.js";
import { ApiClient } from "../../support/client.js";
import { testIdentity } from "../../support/server.js";
import { waitForJob } from "../../support/world.js";

const SCREENSHOTS = process.env.ECS_VIP_SCREENSHOTS ?? join(REPO_ROOT, "docs", "screenshots");
/** The spec's promise: a change made through the API is on the page within 2 seconds, without a reload. */
const FOLLOW_MS = 2_000;

interface Nic {
  serverId: string;
  name: string;
  nicId: string;
  ip: string;
  mac: string;
}

const identity = testIdentity();
let server: ChildServer;
let api: ApiClient;
let browser: Browser;
let dataDir: string;
const nics = new Map<string, Nic>();
const subnets = new Map<string, string>();
const followTimes: number[] = [];

async function ok(response: Promise<{ status: number; body: any }>, what: string) {
  const answer = await response;
  if (answer.status !== 200) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Servers named as the cloud names them (`name`, or `name-0001`… with count > 1); `nics` by name in `nicsByName`. */
async function createServers(name: string, vpcId: string, subnetIds: string[], count: number) {
  const created = await ok(
    api.call("POST", api.p("/cloudservers"), {
      server: {
        name,
        imageRef: "image-1",
        flavorRef: "s6.small.1",
        vpcid: vpcId,
        nics: subnetIds.map((subnet_id) => ({ subnet_id })),
        root_volume: { volumetype: "SSD" },
        count,
      },
    }),
    `create ${name}`,
  );
  await waitForJob(api, created.job_id);
  for (const serverId of created.serverIds as string[]) {
    const shown = await ok(api.call("GET", api.p(`/cloudservers/${serverId}`)), "show server");
    const attached = (await ok(api.call("GET", api.p(`/cloudservers/${serverId}/os-interface`)), "nics"))
      .interfaceAttachments;
    attached.forEach((nic: any, index: number) => {
      nics.set(index === 0 ? shown.server.name : `${shown.server.name}/${index}`, {
        serverId,
        name: shown.server.name,
        nicId: nic.port_id,
        ip: nic.fixed_ips[0].ip_address,
        mac: nic.mac_addr,
      });
    });
  }
}

function nic(name: string): Nic {
  const found = nics.get(name);
  if (!found) throw new Error(`no server ${name}: ${[...nics.keys()].join(", ")}`);
  return found;
}

function bindThroughApi(target: Nic, subnet: string, ip: string, reverse: boolean) {
  return ok(
    api.call("PUT", api.p(`/cloudservers/nics/${target.nicId}`), {
      nic: { subnet_id: subnets.get(subnet), ip_address: ip, reverse_binding: reverse },
    }),
    `bind ${ip}`,
  );
}

function unbindThroughApi(target: Nic) {
  return ok(
    api.call("PUT", api.p(`/cloudservers/nics/${target.nicId}`), { nic: { subnet_id: "", ip_address: "" } }),
    "unbind",
  );
}

async function pairsOf(portId: string): Promise<{ ip_address: string; mac_address: string }[]> {
  return (await ok(api.call("GET", `/v2.0/ports/${portId}`), "show port")).port.allowed_address_pairs;
}

function binding(page: Page, vipIp: string, nicId: string) {
  return page.locator(`[data-testid="binding"][data-vip-ip="${vipIp}"][data-port-id="${nicId}"]`);
}

/** A fresh tab (nothing in its memory), logged in through the form. */
async function loggedInPage(project: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/console`);
  await page.fill('input[name="username"]', "admin");
  await page.fill('input[name="password"]', identity.password);
  await page.fill('input[name="project"]', project);
  await page.click('[data-testid="login"]');
  await page.locator('[data-testid="topology"]').waitFor();
  await page.locator('[data-testid="server"]').first().waitFor();
  return page;
}

async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}

describe.skipIf(!HAS_CHROMIUM)(
  `web console in chromium${HAS_CHROMIUM ? "" : ` (skipped: ${NO_CHROMIUM_REASON})`}`,
  () => {
    beforeAll(async () => {
      await buildConsole();
      dataDir = mkdtempSync(join(tmpdir(), "ecs-vip-console-"));
      server = await spawnServer({ db: `sqlite:${join(dataDir, "ecs-vip.db")}`, identity, dataDir });
      api = await ApiClient.login(server.url, identity.projectId, identity.password);

      // A small production-like project, made through the API as a user would.
      const vpc = (
        await ok(api.call("POST", api.p("/vpcs"), { vpc: { name: "vpc-prod", cidr: "192.168.0.0/16" } }), "vpc")
      ).vpc;
      for (const [name, cidr] of [
        ["web", "192.168.0.0/24"],
        ["db", "192.168.1.0/24"],
      ] as const) {
        const subnet = await ok(
          api.call("POST", api.p("/subnets"), {
            subnet: { name, cidr, gateway_ip: cidr.replace(/0\/24$/, "1"), vpc_id: vpc.id },
          }),
          `subnet ${name}`,
        );
        subnets.set(name, subnet.subnet.id);
      }
      await createServers("web", vpc.id, [subnets.get("web")!], 3);
      await createServers("db", vpc.id, [subnets.get("db")!], 2);
      await createServers("app", vpc.id, [subnets.get("web")!, subnets.get("db")!], 1);
      // keepalived pairs: web-0001/web-0002 share 192.168.0.100 with reverse binding; db-0001 and app's second NIC
      // (in "db") share 192.168.1.100 without it.
      await bindThroughApi(nic("web-0001"), "web", "192.168.0.100", true);
      await bindThroughApi(nic("web-0002"), "web", "192.168.0.100", true);
      await bindThroughApi(nic("db-0001"), "db", "192.168.1.100", false);
      await bindThroughApi(nic("app/1"), "db", "192.168.1.100", false);

      browser = await launchChromium();
    });

    afterAll(async () => {
      if (followTimes.length > 0) {
        const sorted = [...followTimes].sort((a, b) => a - b);
        console.log(
          `console followed ${sorted.length} API changes in ${sorted.join(", ")} ms (max ${sorted[sorted.length - 1]} ms)`,
        );
      }
      await browser?.close();
      await server?.terminate();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("logs in and draws the topology made through the API, loading nothing from outside", async () => {
      const page = await browser.context.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      page.on("pageerror", (error) => problems.push(String(error)));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      await page.goto(`${server.url}/console`);
      await page.fill('input[name="password"]', identity.password);
      await page.fill('input[name="project"]', "local-1");
      await page.click('[data-testid="login"]');

      for (const name of ["web-0001", "web-0002", "web-0003", "db-0001", "db-0002", "app", "app/1"]) {
        const { serverId, nicId, ip } = nic(name);
        await expect
          .poll(() => page.locator(`[data-testid="server"][data-server-id="${serverId}"]`).getAttribute("data-status"))
          .toBe("ACTIVE");
        await expect(
          page.locator(`[data-testid="nic"][data-port-id="${nicId}"]`).getAttribute("data-ip"),
        ).resolves.toBe(ip);
      }
      const vip = page.locator('[data-testid="vip"][data-ip="192.168.0.100"]');
      await vip.waitFor();
      const vipPort = (await ok(api.call("GET", "/v2.0/ports?fixed_ips=ip_address=192.168.0.100"), "vip port"))
        .ports[0];
      expect(await vip.getAttribute("data-port-id")).toBe(vipPort.id);
      expect(vipPort.device_owner).toBe("neutron:VIP_PORT");
      for (const name of ["web-0001", "web-0002"]) {
        await binding(page, "192.168.0.100", nic(name).nicId).waitFor();
        expect(await binding(page, "192.168.0.100", nic(name).nicId).getAttribute("data-reverse")).toBe("true");
      }
      for (const name of ["db-0001", "app/1"]) {
        expect(await binding(page, "192.168.1.100", nic(name).nicId).getAttribute("data-reverse")).toBe("false");
      }
      // Addresses used and free as the API counts them: every fixed IP of the network, of its 254 host addresses.
      for (const subnetId of subnets.values()) {
        const used = (await ok(api.call("GET", `/v2.0/ports?network_id=${subnetId}`), "ports")).ports.length;
        await expect
          .poll(() => page.locator(`[data-testid="subnet"][data-subnet-id="${subnetId}"]`).textContent())
          .toContain(`${used} used · ${254 - used} free`);
      }

      await screenshot(page, "console-topology.png");
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.filter((url) => !url.startsWith(`${server.url}/`))).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });

    it("binds a virtual IP from the page, and the API reports the binding; unbinds, and the API agrees", async () => {
      const page = await loggedInPage(identity.projectId);
      const target = nic("web-0003");
      await page.click(`[data-testid="nic"][data-port-id="${target.nicId}"]`);
      await page.fill('[data-testid="bind-ip"]', "192.168.0.110");
      await page.check('[data-testid="bind-reverse"]');
      await page.click('[data-testid="bind"]');
      await page.locator('[data-testid="notice"]').waitFor();

      expect(await pairsOf(target.nicId)).toContainEqual({ ip_address: "192.168.0.110", mac_address: target.mac });
      const vipPort = (await ok(api.call("GET", "/v2.0/ports?fixed_ips=ip_address=192.168.0.110"), "vip port"))
        .ports[0];
      expect(vipPort.allowed_address_pairs).toEqual([{ ip_address: target.ip, mac_address: target.mac }]);
      const edge = binding(page, "192.168.0.110", target.nicId);
      await edge.waitFor();
      expect(await edge.getAttribute("data-reverse")).toBe("true");
      await screenshot(page, "console-bind.png");

      await page.click('[data-testid="unbind"]');
      await edge.waitFor({ state: "detached" });
      expect(await pairsOf(target.nicId)).toEqual([]);
      await page.close();
    });

    it("follows binds, unbinds and server status changed through the API within 2 seconds, without a reload", async () => {
      const page = await loggedInPage("local-1");
      let loads = 0;
      page.on("load", () => loads++);
      const target = nic("db-0002");
      const edge = binding(page, "192.168.1.120", target.nicId);

      const follow = async (change: () => Promise<unknown>, seen: () => Promise<unknown>) => {
        const started = performance.now();
        await change();
        await seen();
        followTimes.push(Math.round(performance.now() - started));
      };
      await follow(
        () => bindThroughApi(target, "db", "192.168.1.120", false),
        () => edge.waitFor({ timeout: FOLLOW_MS }),
      );
      expect(await edge.getAttribute("data-reverse")).toBe("false");
      await follow(
        () => bindThroughApi(target, "db", "192.168.1.120", true),
        () =>
          page
            .locator(
              `[data-testid="binding"][data-vip-ip="192.168.1.120"][data-port-id="${target.nicId}"][data-reverse="true"]`,
            )
            .waitFor({ timeout: FOLLOW_MS }),
      );
      await follow(
        () => unbindThroughApi(target),
        () => edge.waitFor({ state: "detached", timeout: FOLLOW_MS }),
      );
      // The VIP port stays (unbinding does not release it): its node remains, now with no edge.
      await page.locator('[data-testid="vip"][data-ip="192.168.1.120"]').waitFor();

      // Server status, as the API changes it.
      const serverNode = (status: string) =>
        page.locator(`[data-testid="server"][data-server-id="${target.serverId}"][data-status="${status}"]`);
      const power = (action: string) =>
        ok(
          api.call("POST", api.p("/cloudservers/action"), { [action]: { servers: [{ id: target.serverId }] } }),
          action,
        );
      await follow(
        () => power("os-stop"),
        () => serverNode("SHUTOFF").waitFor({ timeout: FOLLOW_MS }),
      );
      await follow(
        () => power("os-start"),
        () => serverNode("ACTIVE").waitFor({ timeout: FOLLOW_MS }),
      );
      expect(loads).toBe(0);
      await page.close();
    });

    it("shows the cloud's error code and message when a bind from the page is refused", async () => {
      const page = await loggedInPage("local-1");
      const target = nic("web-0003");
      const before = await pairsOf(target.nicId);
      await page.click(`[data-testid="nic"][data-port-id="${target.nicId}"]`);
      await page.fill('[data-testid="bind-ip"]', "192.168.0.255");
      await page.click('[data-testid="bind"]');
      const error = page.locator('[data-testid="panel"] [data-testid="error"]');
      await error.waitFor();
      expect(await error.getAttribute("data-code")).toBe("Ecs.0039");
      expect(await error.textContent()).toContain("does not belong to the subnet");
      expect(await pairsOf(target.nicId)).toEqual(before);
      await screenshot(page, "console-bind-error.png");
      await page.close();
    });

    it("a wrong password shows IAM's error and no console", async () => {
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/console`);
      await page.fill('input[name="username"]', "admin");
      await page.fill('input[name="password"]', "not-the-password");
      await page.click('[data-testid="login"]');
      const error = page.locator('[data-testid="error"]');
      await error.waitFor();
      expect(await error.getAttribute("data-code")).toBe("IAM.0004");
      expect(await error.textContent()).toContain("password");
      expect(await page.locator('[data-testid="topology"]').count()).toBe(0);
      await screenshot(page, "console-login-error.png");
      await page.close();
    });

    it("keeps the token out of storage and forgets it on logout", async () => {
      const page = await loggedInPage("local-1");
      const stored = await page.evaluate(() => ({
        local: localStorage.length,
        session: sessionStorage.length,
        cookie: document.cookie,
      }));
      expect(stored).toEqual({ local: 0, session: 0, cookie: "" });
      expect(await browser.context.cookies(server.url)).toEqual([]);
      await page.click('[data-testid="logout"]');
      await page.locator('[data-testid="login"]').waitFor();
      expect(await page.locator('[data-testid="topology"]').count()).toBe(0);
      await page.close();
    });
  },
);
