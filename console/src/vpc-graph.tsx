import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type {
  TopologyServer,
  TopologySubnet,
  TopologyVip,
  TopologyVpc,
} from "../../src/domain/topology/project-topology.js";
import { type Edge, measureEdges } from "./edges.js";

interface Props {
  vpc: TopologyVpc;
  selectedNic: string | undefined;
  onSelectNic: (portId: string) => void;
  onPickVip: (vip: TopologyVip) => void;
}

/** Servers sit under the subnet of their primary NIC; servers without NICs come last. */
function serversBySubnet(vpc: TopologyVpc): Map<string, TopologyServer[]> {
  const groups = new Map<string, TopologyServer[]>(vpc.subnets.map((subnet) => [subnet.id, []]));
  for (const server of vpc.servers) {
    const key = server.nics[0]?.subnetId ?? "";
    const group = groups.get(key) ?? [];
    group.push(server);
    groups.set(key, group);
  }
  return groups;
}

/** One VPC: subnets with their servers and NICs on the left, virtual IPs on the right, bindings drawn between. */
export function VpcGraph({ vpc, selectedNic, onSelectNic, onPickVip }: Props) {
  const graph = useRef<HTMLDivElement>(null);
  const [edges, setEdges] = useState<Edge[]>([]);
  const [size, setSize] = useState({ width: 0, height: 0 });

  // Edges follow the boxes: measured after every render and whenever the graph changes size.
  useLayoutEffect(() => {
    const element = graph.current;
    if (!element) return;
    const measure = () => {
      const next = measureEdges(element, vpc.bindings);
      setEdges((previous) => (JSON.stringify(previous) === JSON.stringify(next) ? previous : next));
      setSize((previous) =>
        previous.width === element.scrollWidth && previous.height === element.scrollHeight
          ? previous
          : { width: element.scrollWidth, height: element.scrollHeight },
      );
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  });

  const subnetName = new Map(vpc.subnets.map((subnet) => [subnet.id, subnet.name]));
  const groups = serversBySubnet(vpc);
  const bindingsOf = (vipPortId: string) => vpc.bindings.filter((b) => b.vipPortId === vipPortId).length;
  const selectedVips = new Set(vpc.bindings.filter((b) => b.nicPortId === selectedNic).map((b) => b.vipPortId));

  return (
    <section class="vpc card" data-testid="vpc" data-vpc-id={vpc.id}>
      <header class="vpc-head">
        <h2>{vpc.name || vpc.id}</h2>
        <code>{vpc.cidr}</code>
        <span class="muted">VPC</span>
      </header>
      <div class="graph" ref={graph}>
        <div class="column servers-column">
          {[...groups.entries()].map(([subnetId, servers]) => {
            const subnet = vpc.subnets.find((s) => s.id === subnetId);
            if (!subnet && servers.length === 0) return null;
            return (
              <div class="subnet" data-testid="subnet" data-subnet-id={subnetId} key={subnetId || "none"}>
                {subnet ? <SubnetHead subnet={subnet} /> : <div class="subnet-head muted">servers without NICs</div>}
                {servers.length === 0 ? <div class="muted small">no servers</div> : null}
                {servers.map((server) => (
                  <ServerCard
                    key={server.id}
                    server={server}
                    homeSubnet={subnetId}
                    subnetName={subnetName}
                    selectedNic={selectedNic}
                    onSelectNic={onSelectNic}
                  />
                ))}
              </div>
            );
          })}
        </div>
        <div class="column vips-column">
          <h3>Virtual IPs</h3>
          {vpc.vips.length === 0 ? <div class="muted small">none yet</div> : null}
          {vpc.vips.map((vip) => {
            const count = bindingsOf(vip.portId);
            return (
              <button
                type="button"
                key={vip.portId}
                class={`vip ${selectedVips.has(vip.portId) ? "related" : ""} ${count === 0 ? "unbound" : ""}`}
                data-testid="vip"
                data-ip={vip.ip}
                data-port-id={vip.portId}
                title={`VIP port ${vip.portId}`}
                onClick={() => onPickVip(vip)}
              >
                <span class="ip">{vip.ip}</span>
                <span class="vip-meta">
                  {subnetName.get(vip.subnetId) ?? "?"} ·{" "}
                  {count === 0 ? "unbound" : `${count} NIC${count === 1 ? "" : "s"}`}
                </span>
              </button>
            );
          })}
        </div>
        <svg class="edges" width={size.width} height={size.height} aria-hidden="false" role="img">
          <title>Bindings of {vpc.name}</title>
          <defs>
            <marker
              id={`head-${vpc.id}`}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerUnits="userSpaceOnUse"
              markerWidth="11"
              markerHeight="11"
              orient="auto-start-reverse"
            >
              <path d="M0 0 L10 5 L0 10 z" class="edge-head" />
            </marker>
            <marker
              id={`head-r-${vpc.id}`}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerUnits="userSpaceOnUse"
              markerWidth="11"
              markerHeight="11"
              orient="auto-start-reverse"
            >
              <path d="M0 0 L10 5 L0 10 z" class="edge-head reverse" />
            </marker>
          </defs>
          {edges.map((edge) => {
            const marker = `url(#${edge.reverse ? "head-r-" : "head-"}${vpc.id})`;
            const related = edge.nicPortId === selectedNic;
            return (
              <path
                key={`${edge.vipPortId}-${edge.nicPortId}`}
                d={edge.path}
                class={`edge-line ${edge.reverse ? "reverse" : ""} ${related ? "related" : ""}`}
                data-testid="binding"
                data-vip-ip={edge.vipIp}
                data-port-id={edge.nicPortId}
                data-reverse={String(edge.reverse)}
                marker-end={marker}
                marker-start={edge.reverse ? marker : undefined}
              >
                <title>
                  {edge.vipIp} bound to NIC {edge.nicIp}
                  {edge.reverse ? " (reverse binding)" : ""}
                </title>
              </path>
            );
          })}
        </svg>
      </div>
    </section>
  );
}

function SubnetHead({ subnet }: { subnet: TopologySubnet }) {
  const total = subnet.used + subnet.free;
  const percent = total === 0 ? 0 : Math.max(2, Math.round((subnet.used / total) * 100));
  return (
    <div class="subnet-head">
      <span class="subnet-name">{subnet.name || subnet.id}</span>
      <code>{subnet.cidr}</code>
      <span class="usage" title={`${subnet.used} addresses used, ${subnet.free} free`}>
        <span class="bar">
          <span class="fill" style={{ width: `${percent}%` }} />
        </span>
        {subnet.used} used · {subnet.free} free
      </span>
    </div>
  );
}

function ServerCard(props: {
  server: TopologyServer;
  homeSubnet: string;
  subnetName: Map<string, string>;
  selectedNic: string | undefined;
  onSelectNic: (portId: string) => void;
}) {
  const { server } = props;
  return (
    <div class="server" data-testid="server" data-server-id={server.id} data-status={server.status}>
      <div class="server-head">
        <span class={`status status-${server.status.toLowerCase()}`}>{server.status}</span>
        <span class="server-name">{server.name}</span>
      </div>
      {server.nics.map((nic, index) => (
        <button
          type="button"
          key={nic.portId}
          class={`nic ${props.selectedNic === nic.portId ? "selected" : ""}`}
          data-testid="nic"
          data-port-id={nic.portId}
          data-ip={nic.ip}
          title={`NIC port ${nic.portId}`}
          onClick={() => props.onSelectNic(nic.portId)}
        >
          <span class="ip">{nic.ip}</span>
          <span class="mac">{nic.mac}</span>
          {index === 0 ? <span class="tag">primary</span> : null}
          {nic.subnetId !== props.homeSubnet ? (
            <span class="tag">{props.subnetName.get(nic.subnetId) ?? "other subnet"}</span>
          ) : null}
        </button>
      ))}
    </div>
  );
}
