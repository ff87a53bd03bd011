import type { TopologyBinding } from "../../src/domain/topology/project-topology.js";

export interface Edge extends TopologyBinding {
  nicIp: string;
  /** SVG path from the VIP's left side to the NIC's right side, in the graph's coordinates. */
  path: string;
}

function find(root: HTMLElement, testId: string, portId: string): HTMLElement | null {
  return root.querySelector<HTMLElement>(`[data-testid="${testId}"][data-port-id="${CSS.escape(portId)}"]`);
}

/** Where each binding's two ends are right now: a smooth curve from the VIP node to the NIC row. */
export function measureEdges(root: HTMLElement, bindings: TopologyBinding[]): Edge[] {
  const origin = root.getBoundingClientRect();
  const edges: Edge[] = [];
  for (const binding of bindings) {
    const vip = find(root, "vip", binding.vipPortId);
    const nic = find(root, "nic", binding.nicPortId);
    if (!vip || !nic) continue;
    const v = vip.getBoundingClientRect();
    const n = nic.getBoundingClientRect();
    const x1 = Math.round(v.left - origin.left + root.scrollLeft);
    const y1 = Math.round(v.top + v.height / 2 - origin.top + root.scrollTop);
    const x2 = Math.round(n.right - origin.left + root.scrollLeft);
    const y2 = Math.round(n.top + n.height / 2 - origin.top + root.scrollTop);
    const bend = Math.max(40, Math.round(Math.abs(x1 - x2) / 2));
    edges.push({
      ...binding,
      nicIp: nic.dataset.ip ?? "",
      path: `M${x1} ${y1} C${x1 - bend} ${y1} ${x2 + bend} ${y2} ${x2} ${y2}`,
    });
  }
  return edges;
}
