import type { Topology } from "../../src/domain/topology/project-topology.js";
import { type CloudApiError, cloudErrorOf, type Session } from "./api.js";

/**
 * Live topology for the page, the one place that knows how updates arrive. `GET /console/api/events` is a stream of
 * server-sent events fed by the store's change feed: each `changed` event makes the page fetch
 * `GET /console/api/topology` with the last entity tag (a 304 with no body when nothing it shows changed).
 * EventSource cannot send X-Auth-Token, so the stream is read with fetch(). While the stream is down the page polls,
 * and it reconnects; a slow poll also runs while it is up, as a safety net.
 */
export const POLL_INTERVAL_MS = 500;
/** How often the page looks anyway while the event stream is up. */
export const STREAMING_POLL_INTERVAL_MS = 10_000;
/** A tab nobody looks at polls rarely, and catches up at once when it is shown again. */
export const HIDDEN_POLL_INTERVAL_MS = 10_000;
const RECONNECT_MS = 1_000;

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
  let streaming = false;
  let stream: AbortController | undefined;
  let reconnect: ReturnType<typeof setTimeout> | undefined;

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
      const interval = document.hidden
        ? HIDDEN_POLL_INTERVAL_MS
        : streaming
          ? STREAMING_POLL_INTERVAL_MS
          : POLL_INTERVAL_MS;
      timer = setTimeout(tick, interval);
    }
  };
  const onVisibility = () => {
    if (!document.hidden) void tick();
  };

  /** Reads the event stream until it ends; every `changed` event asks for the topology now. */
  const follow = async () => {
    if (stopped) return;
    stream = new AbortController();
    try {
      const response = await fetch("/console/api/events", {
        headers: { "X-Auth-Token": session.token, Accept: "text/event-stream" },
        cache: "no-store",
        signal: stream.signal,
      });
      // A rejected session ends the feed: the topology fetch reports the 401 and the page signs out.
      if (response.status === 401) return void tick();
      if (!response.ok || !response.body) throw new Error(`event stream: HTTP ${response.status}`);
      streaming = true;
      // Anything that changed while the stream was down is fetched now.
      void tick();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        let end = buffered.indexOf("\n\n");
        while (end >= 0) {
          if (/^event: changed$/m.test(buffered.slice(0, end))) void tick();
          buffered = buffered.slice(end + 2);
          end = buffered.indexOf("\n\n");
        }
      }
    } catch {
      // the stream failed or was stopped: polling carries on meanwhile
    }
    streaming = false;
    if (!stopped) {
      void tick();
      reconnect = setTimeout(follow, RECONNECT_MS);
    }
  };

  document.addEventListener("visibilitychange", onVisibility);
  void tick();
  void follow();
  return {
    refresh: () => void tick(),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      clearTimeout(reconnect);
      stream?.abort();
      document.removeEventListener("visibilitychange", onVisibility);
    },
  };
}
