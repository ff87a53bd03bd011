import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Topology } from "../../src/domain/topology/project-topology.js";
import type { CloudApiError, Session } from "./api.js";
import { ErrorBox } from "./error-box.js";
import { type TopologyFeed, watchTopology } from "./live.js";
import { NicPanel } from "./nic-panel.js";
import { findNic } from "./topology-index.js";
import { VpcGraph } from "./vpc-graph.js";

function clock(date: Date): string {
  return date.toLocaleTimeString([], { hour12: false });
}

export function ConsoleView({ session, onLogout }: { session: Session; onLogout: (reason?: string) => void }) {
  const [topology, setTopology] = useState<Topology | undefined>(undefined);
  const [updatedAt, setUpdatedAt] = useState<Date | undefined>(undefined);
  const [feedError, setFeedError] = useState<CloudApiError | undefined>(undefined);
  const [selectedNic, setSelectedNic] = useState<string | undefined>(undefined);
  const [pickedIp, setPickedIp] = useState<{ ip: string; subnetId: string } | undefined>(undefined);
  const feed = useRef<TopologyFeed | undefined>(undefined);
  const logout = useRef(onLogout);
  logout.current = onLogout;

  useEffect(() => {
    const watching = watchTopology(session, {
      onTopology: (next) => {
        setTopology(next);
        setUpdatedAt(new Date());
        setFeedError(undefined);
      },
      onError: (error) => {
        if (error.status === 401) logout.current(`Signed out: ${error.code} ${error.message}`);
        else setFeedError(error);
      },
    });
    feed.current = watching;
    return () => watching.stop();
  }, [session]);

  const selected = useMemo(
    () => (topology && selectedNic ? findNic(topology, selectedNic) : undefined),
    [topology, selectedNic],
  );

  const counts = useMemo(() => {
    const vpcs = topology?.vpcs ?? [];
    return {
      servers: vpcs.reduce((n, vpc) => n + vpc.servers.length, 0),
      vips: vpcs.reduce((n, vpc) => n + vpc.vips.length, 0),
      bindings: vpcs.reduce((n, vpc) => n + vpc.bindings.length, 0),
    };
  }, [topology]);

  return (
    <div class="app">
      <header class="topbar">
        <div class="brand-line">
          <span class="brand">ecs-vip</span>
          <span class="muted">console</span>
        </div>
        <div class="project" title={session.projectId}>
          <span class="muted">project</span> <b>{session.projectName}</b>{" "}
          <code class="muted">{session.projectId.slice(0, 8)}…</code>
        </div>
        <div class={`live ${feedError ? "live-down" : "live-up"}`} data-testid="live">
          <span class="dot" />
          {feedError ? "reconnecting…" : updatedAt ? `live · changed ${clock(updatedAt)}` : "loading…"}
        </div>
        <div class="user">
          <span class="muted">{session.domainName} /</span> {session.userName}
          <button type="button" class="ghost" data-testid="logout" onClick={() => onLogout()}>
            Log out
          </button>
        </div>
      </header>
      <div class="layout">
        <main class="topology" data-testid="topology">
          <ErrorBox error={feedError} />
          {topology ? (
            <p class="summary muted">
              {topology.vpcs.length} VPC{topology.vpcs.length === 1 ? "" : "s"} · {counts.servers} server
              {counts.servers === 1 ? "" : "s"} · {counts.vips} virtual IP{counts.vips === 1 ? "" : "s"} ·{" "}
              {counts.bindings} binding{counts.bindings === 1 ? "" : "s"}
            </p>
          ) : null}
          {topology && topology.vpcs.length === 0 ? (
            <div class="empty card">
              This project has no VPC yet. Create VPCs, subnets and servers through the API; they appear here as they
              are made.
            </div>
          ) : null}
          {topology?.vpcs.map((vpc) => (
            <VpcGraph
              key={vpc.id}
              vpc={vpc}
              selectedNic={selectedNic}
              onSelectNic={(id) => setSelectedNic(id === selectedNic ? undefined : id)}
              onPickVip={(vip) => setPickedIp({ ip: vip.ip, subnetId: vip.subnetId })}
            />
          ))}
        </main>
        <aside class="side">
          <NicPanel
            session={session}
            selected={selected}
            picked={pickedIp}
            onClose={() => setSelectedNic(undefined)}
            onChanged={() => feed.current?.refresh()}
          />
          <Legend />
        </aside>
      </div>
    </div>
  );
}

function Legend() {
  return (
    <section class="card legend">
      <h3>Legend</h3>
      <ul>
        <li>
          <svg width="44" height="12" aria-hidden="true">
            <line x1="8" y1="6" x2="42" y2="6" class="edge-line" />
            <path d="M10 2 L2 6 L10 10 z" class="edge-head" />
          </svg>
          the NIC carries the virtual IP
        </li>
        <li>
          <svg width="44" height="12" aria-hidden="true">
            <line x1="8" y1="6" x2="36" y2="6" class="edge-line reverse" />
            <path d="M10 2 L2 6 L10 10 z M34 2 L42 6 L34 10 z" class="edge-head reverse" />
          </svg>
          reverse binding: the VIP port carries the NIC back
        </li>
      </ul>
      <p class="muted">
        Select a NIC to bind or unbind; click a virtual IP to fill in its address. Changes made through the API show up
        here within a second.
      </p>
    </section>
  );
}
