import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ChangeFeed } from "../../store/change-feed.js";
import { textAnswer } from "../openapi/answers.js";
import { act } from "../permission.js";
import type { RouteErrors } from "../request-context.js";

/** A comment line now and then keeps proxies and the browser from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events fed by the store's change feed: one `changed` event (data: the revision) for every committed
 * change, this process's own writes and, on PostgreSQL, other processes' too. The page answers each by fetching the
 * topology again (a 304 when nothing it shows changed), so the stream carries no project data and needs no filter.
 * Streams are ended when the app closes, so a graceful shutdown never waits on an open console.
 */
export function registerChangeEvents(app: FastifyInstance, feed: () => ChangeFeed, errors: RouteErrors): void {
  const open = new Set<FastifyReply>();
  app.addHook("preClose", async () => {
    for (const reply of open) reply.raw.end();
  });

  app.get(
    "/console/api/events",
    {
      schema: {
        operationId: "watchConsoleEvents",
        tags: ["Console"],
        summary:
          "Server-sent events: `changed` (data: the revision) after every committed change to ports, servers or subnets",
        response: textAnswer("text/event-stream"),
      },
      // What the topology asks (chosen): the events redraw it.
      config: { permission: act("vpc:vpcs:list", "ecs:cloudServers:list"), errors },
    },
    (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, private",
        "X-Request-Id": request.id,
        Connection: "keep-alive",
      });
      if (request.method === "HEAD") {
        raw.end();
        return;
      }
      raw.write("event: ready\ndata: \n\n");
      open.add(reply);
      // The listener must not hold the write that produced the change: it only queues bytes on the socket.
      const unsubscribe = feed().subscribe((change) => {
        if (!raw.writableEnded) raw.write(`event: changed\ndata: ${change.revision}\n\n`);
      });
      const heartbeat = setInterval(() => {
        if (!raw.writableEnded) raw.write(": keep-alive\n\n");
      }, HEARTBEAT_MS);
      heartbeat.unref();
      const finish = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(reply);
      };
      raw.once("close", finish);
    },
  );
}
