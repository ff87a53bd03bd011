import { useEffect, useState } from "preact/hooks";
import { bindVip, type CloudApiError, type Session, unbindNic } from "./api.js";
import { ErrorBox } from "./error-box.js";
import { type NicInContext, subnetOfAddress } from "./topology-index.js";

interface Props {
  session: Session;
  selected: NicInContext | undefined;
  /** A virtual IP clicked in the graph: its address fills the form. */
  picked: { ip: string; subnetId: string } | undefined;
  onClose: () => void;
  onChanged: () => void;
}

/** Bind a virtual IP to the selected NIC, or unbind the NIC, through PUT /v1/{project_id}/cloudservers/nics/{nic_id}. */
export function NicPanel({ session, selected, picked, onClose, onChanged }: Props) {
  const [ip, setIp] = useState("");
  const [subnetId, setSubnetId] = useState("");
  const [reverse, setReverse] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CloudApiError | undefined>(undefined);
  const [done, setDone] = useState("");
  const nicId = selected?.nic.portId;

  // A newly selected NIC starts from a clean form in its own subnet.
  useEffect(() => {
    setError(undefined);
    setDone("");
    setSubnetId(selected?.nic.subnetId ?? "");
  }, [nicId]);

  useEffect(() => {
    if (!picked) return;
    setIp(picked.ip);
    setSubnetId(picked.subnetId);
  }, [picked]);

  if (!selected) {
    return (
      <section class="card panel" data-testid="panel">
        <h3>Bind a virtual IP</h3>
        <p class="muted">Select a NIC in the topology to bind a virtual IP to it or to unbind it.</p>
      </section>
    );
  }

  const { vpc, server, nic, index, bindings } = selected;
  const run = async (what: () => Promise<void>, success: string) => {
    setBusy(true);
    setError(undefined);
    setDone("");
    try {
      await what();
      setDone(success);
      onChanged();
    } catch (failure) {
      setError(failure as CloudApiError);
    } finally {
      setBusy(false);
    }
  };
  const onIpInput = (value: string) => {
    setIp(value);
    const subnet = subnetOfAddress(vpc, value);
    if (subnet) setSubnetId(subnet);
  };
  const submit = (event: Event) => {
    event.preventDefault();
    const address = ip.trim();
    void run(
      () => bindVip(session, nic.portId, { subnetId, ipAddress: address, reverseBinding: reverse }),
      `Bound ${address} to ${server.name} (${nic.ip}).`,
    );
  };

  return (
    <section class="card panel" data-testid="panel" data-port-id={nic.portId}>
      <header class="panel-head">
        <h3>
          {server.name} <span class="muted">NIC {index + 1}</span>
        </h3>
        <button type="button" class="ghost small" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <dl class="facts">
        <dt>fixed IP</dt>
        <dd>
          <code>{nic.ip}</code>
        </dd>
        <dt>MAC</dt>
        <dd>
          <code>{nic.mac}</code>
        </dd>
        <dt>port</dt>
        <dd>
          <code class="small">{nic.portId}</code>
        </dd>
        <dt>server</dt>
        <dd>
          <span class={`status status-${server.status.toLowerCase()}`}>{server.status}</span>
        </dd>
        <dt>virtual IPs</dt>
        <dd>
          {bindings.length === 0
            ? "none"
            : bindings.map((b) => (
                <span class="chip" key={b.vipPortId}>
                  {b.vipIp}
                  {b.reverse ? " ⇄" : ""}
                </span>
              ))}
        </dd>
      </dl>
      <form class="bind-form" method="post" onSubmit={submit}>
        <label>
          Virtual IP address
          <input
            name="ip_address"
            data-testid="bind-ip"
            required
            autocomplete="off"
            placeholder="e.g. 192.168.0.100"
            list={`vips-${vpc.id}`}
            value={ip}
            onInput={(event) => onIpInput((event.currentTarget as HTMLInputElement).value)}
          />
          <datalist id={`vips-${vpc.id}`}>
            {vpc.vips.map((vip) => (
              <option key={vip.portId} value={vip.ip} />
            ))}
          </datalist>
        </label>
        <label>
          Subnet
          <select
            name="subnet_id"
            data-testid="bind-subnet"
            value={subnetId}
            onChange={(event) => setSubnetId((event.currentTarget as HTMLSelectElement).value)}
          >
            {vpc.subnets.map((subnet) => (
              <option key={subnet.id} value={subnet.id}>
                {subnet.name} ({subnet.cidr})
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="reverse_binding"
            data-testid="bind-reverse"
            checked={reverse}
            onChange={(event) => setReverse((event.currentTarget as HTMLInputElement).checked)}
          />
          reverse binding (the VIP port also carries this NIC)
        </label>
        <div class="actions">
          <button type="submit" class="primary" data-testid="bind" disabled={busy}>
            Bind
          </button>
          <button
            type="button"
            class="danger"
            data-testid="unbind"
            disabled={busy}
            onClick={() => void run(() => unbindNic(session, nic.portId), `Unbound every virtual IP of ${nic.ip}.`)}
          >
            Unbind NIC
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      {done ? (
        <p class="done" data-testid="notice" role="status">
          {done}
        </p>
      ) : null}
    </section>
  );
}
