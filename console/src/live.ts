import type { Topology } from "../../src/domain/topology/project-topology.js";
import { type CloudApiError, cloudErrorOf, type Session } from "./api.js";

/**
 * Live topology for the page. Today it polls `GET /console/api/topology` with the last entity tag, so a poll that
 * finds nothing new is a 304 with an empty body. This module is the one place that knows how updates arrive: to
 * switch to server-sent events fed by the store's change feed, replace the loop below and keep `watchTopology`'s
 * contract (call `onTopology` with each new state, `onError` with each failure, `refresh()` to ask now). EventSource
 * cannot send X-Auth-Token: read the event stream with fetch() and a ReadableStream instead, and on each "changed"
 * event fetch the topology as below (the entity tag still saves the body when nothing visible changed).
 */
export const POLL_INTERVAL_MS = 500;
/** A tab nobody looks at polls rarely, and catches up at once when it is shown again. */
export const HIDDEN_POLL_INTERVAL_MS = 10_000;

export interface TopologyFeed {
  /** Fetch now (after the page itself changed something). */
  refresh(): void;
  stop(): void;
}

export interface TopologyHandlers {
  onTopology(topology: Topology): void;
  /** A failed fetch; the feed keeps trying unless the session was rejected (401), then it stops. */
  onError(error: CloudApiError): void;
}

export function watchTopology(session: Session, handlers: TopologyHandlers): TopologyFeed {
  let etag = "";
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;
  let again = false;

  const fetchOnce = async () => {
    const headers: Record<string, string> = { "X-Auth-Token": session.token, Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    let response: Response;
    try {
      response = await fetch("/console/api/topology", { headers, cache: "no-store" });
    } catch (error) {
      throw cloudErrorOf(0, `The server could not be reached (${String(error)}).`);
    }
    if (response.status === 304) return;
    const body = await response.text();
    let parsed: unknown = body;
    try {
      parsed = JSON.parse(body);
    } catch {
      // keep the text: it is shown as the message
    }
    if (!response.ok) throw cloudErrorOf(response.status, parsed, response.headers.get("X-Request-Id") ?? "");
    etag = response.headers.get("ETag") ?? "";
    if (!stopped) handlers.onTopology(parsed as Topology);
  };

  const tick = async () => {
    if (stopped) return;
    clearTimeout(timer);
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    let rejected = false;
    try {
      await fetchOnce();
    } catch (error) {
      const failure = error as CloudApiError;
      rejected = failure.status === 401;
      if (!stopped) handlers.onError(failure);
    } finally {
      inFlight = false;
    }
    if (stopped || rejected) return;
    if (again) {
      again = false;
      void tick();
    } else {
      timer = setTimeout(tick, document.hidden ? HIDDEN_POLL_INTERVAL_MS : POLL_INTERVAL_MS);
    }
  };
  const onVisibility = () => {
    if (!document.hidden) void tick();
  };

  document.addEventListener("visibilitychange", onVisibility);
  void tick();
  return {
    refresh: () => void tick(),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    },
  };
}
