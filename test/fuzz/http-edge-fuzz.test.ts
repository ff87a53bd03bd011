/**
 * The same edge over real sockets: mutated requests (from the same generator) written byte for byte to a listening
 * server, a share of them broken further at the wire level (raw bytes in the path, malformed header lines,
 * conflicting framing, unknown versions, oversized header sections) — the parts of HTTP no in-process injection
 * reaches. Same verdicts: no 5xx, a request id, registered codes in the right envelope, the store unchanged by every
 * rejected request (full dump compared around each one).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectDidWork } from "../support/did-work.js";
import { createInjectApp, type InjectApp } from "../support/inject-app.js";
import { sendRaw } from "../support/raw-http.js";
import { buildFuzzWorld, discoverRoutes, type FuzzWorld, type Route, repairWorld } from "./catalog.js";
import { type Credentials, type FuzzRequest, generate } from "./mutate.js";
import { judge } from "./oracle.js";
import { Rng } from "./prng.js";

const TOTAL = Number(process.env.FUZZ_HTTP_REQUESTS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

let app: InjectApp;
let port: number;
let credentials: Credentials;

beforeAll(async () => {
  app = await createInjectApp({ limits: { serverBuildMs: 0 } });
  const identity = await app.dump();
  credentials = {
    token: app.token,
    tokenSecret: String(identity.meta?.find((row) => row.key === "token_secret")?.value),
    accountId: String(identity.accounts?.[0]?.id),
    userId: String(identity.users?.[0]?.id),
  };
  port = await app.port();
});
afterAll(async () => app?.close());

interface Wire {
  bytes: Buffer;
  method: string;
  path: string;
  what: string[];
}

/** The request as an HTTP/1.1 client would write it (one request per connection). */
function toWire(request: FuzzRequest): Wire {
  const headers: Record<string, string> = { host: "127.0.0.1", ...request.headers, connection: "close" };
  const body = request.payload === undefined ? Buffer.alloc(0) : Buffer.from(request.payload);
  if (body.length > 0 || ["POST", "PUT", "PATCH"].includes(request.method))
    headers["content-length"] = `${body.length}`;
  const url = request.url.split("#")[0] || "/";
  const head = `${request.method} ${url} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")}\r\n`;
  return { bytes: Buffer.concat([Buffer.from(head, "utf8"), body]), method: request.method, path: url, what: [] };
}

/** Breaks the bytes on the wire in one of the ways only a hand-written client (or an attacker) would. */
function breakWire(rng: Rng, wire: Wire): Wire {
  const text = wire.bytes.toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  const head = text.slice(0, headEnd);
  const body = text.slice(headEnd + 4);
  const [requestLine = "", ...headerLines] = head.split("\r\n");
  const [method = "GET", target = "/", version = "HTTP/1.1"] = requestLine.split(" ");
  const join = (line: string, lines: string[], rest = body) =>
    Buffer.from(`${[line, ...lines].join("\r\n")}\r\n\r\n${rest}`, "latin1");
  const how = rng.weighted<string>([
    [3, "raw bytes in path"],
    [3, "bad header line"],
    [2, "framing"],
    [2, "version"],
    [1, "method case"],
    [1, "no host"],
    [1, "header overflow"],
    [1, "bare LF"],
    [1, "chunked body"],
  ]);
  let bytes: Buffer;
  let path = target;
  switch (how) {
    case "raw bytes in path": {
      const raw = rng.pick(["\u00ff", "\u00c3\u00a9", " ", "\t", "\u0001", "\u007f", '"', "<>", "\\", "|"]);
      path = `${target}${raw}`;
      bytes = join(`${method} ${path} ${version}`, headerLines);
      break;
    }
    case "bad header line":
      bytes = join(requestLine, [
        ...headerLines,
        rng.pick(["Bad Header: x", "nocolon", "X-A: a\u0000b", " folded: x", "X-A: a\rb", ": empty-name", "X-Ü: y"]),
      ]);
      break;
    case "framing":
      bytes = join(
        requestLine,
        [
          ...headerLines.filter((line) => !line.toLowerCase().startsWith("content-length")),
          ...rng.pick([
            ["Content-Length: 2", "Transfer-Encoding: chunked"],
            ["Content-Length: 1", "Content-Length: 2"],
            ["Content-Length: -1"],
            ["Content-Length: abc"],
            ["Transfer-Encoding: gzip"],
            ["Transfer-Encoding: chunked, gzip"],
          ]),
        ],
        rng.chance(0.5) ? "zz\r\n{}\r\n0\r\n\r\n" : body,
      );
      break;
    case "version":
      bytes = join(
        `${method} ${target} ${rng.pick(["HTTP/1.0", "HTTP/9.9", "HTTP/1", "HTTPS/1.1", "http/1.1", ""])}`,
        headerLines,
      );
      break;
    case "method case":
      bytes = join(
        `${rng.pick([method.toLowerCase(), `${method}X`, "FOO", "BREW"])} ${target} ${version}`,
        headerLines,
      );
      break;
    case "no host":
      bytes = join(
        requestLine,
        headerLines.filter((line) => !line.toLowerCase().startsWith("host:")),
      );
      break;
    case "header overflow":
      bytes = join(requestLine, [...headerLines, `X-Big: ${"a".repeat(17_000)}`]);
      break;
    case "bare LF":
      bytes = Buffer.from(`${[requestLine, ...headerLines].join("\n")}\n\n${body}`, "latin1");
      break;
    default: {
      const chunked =
        body.length > 0 ? `${Buffer.byteLength(body, "latin1").toString(16)}\r\n${body}\r\n0\r\n\r\n` : "0\r\n\r\n";
      bytes = join(
        requestLine,
        [
          ...headerLines.filter((line) => !line.toLowerCase().startsWith("content-length")),
          "Transfer-Encoding: chunked",
        ],
        chunked,
      );
    }
  }
  return { bytes, method: method.toUpperCase(), path, what: [...wire.what, how] };
}

describe("fuzzing every route over real sockets", () => {
  it(`answers ${TOTAL} raw requests without a 5xx, in registered envelopes, changing nothing when it rejects`, async () => {
    const rng = new Rng(SEED ^ 0x5eed);
    const routes: Route[] = discoverRoutes(app.app);
    const counts = { sent: 0, c2xx: 0, c4xx: 0, c5xx: 0, other: 0, verified: 0, wireBroken: 0, noAnswer: 0 };
    const failures: unknown[] = [];
    let world: FuzzWorld = await buildFuzzWorld(app);
    let before = JSON.stringify(await app.dump());
    const started = performance.now();

    for (let i = 0; i < TOTAL; i++) {
      const route = routes[i % routes.length] as Route;
      const request = generate(rng, { world, credentials, route });
      let wire = toWire(request);
      if (rng.chance(0.35)) {
        wire = breakWire(rng, wire);
        counts.wireBroken++;
      }
      const response = await sendRaw(port, wire.bytes);
      counts.sent++;
      const after = JSON.stringify(await app.dump());
      const problems: string[] = [];
      if (!response) {
        counts.noAnswer++;
        problems.push("no answer");
      } else {
        if (response.status >= 500) counts.c5xx++;
        else if (response.status >= 400) counts.c4xx++;
        else if (response.status >= 200 && response.status < 300) counts.c2xx++;
        else counts.other++;
        problems.push(
          ...judge(
            wire.method,
            wire.path,
            { status: response.status, headers: response.headers, text: response.body },
            { normalize: false },
          ),
        );
        if (response.status >= 400) {
          counts.verified++;
          if (after !== before) problems.push("the store dump changed although the request was rejected");
        } else if (after !== before && !(await repairWorld(app, world, after))) {
          world = await buildFuzzWorld(app);
        }
      }
      before = JSON.stringify(await app.dump());
      if (problems.length > 0 && failures.length < 20) {
        failures.push({
          wire: wire.bytes.toString("latin1").slice(0, 600),
          mutations: [...request.mutations, ...wire.what],
          status: response?.status,
          body: response?.body.slice(0, 300),
          problems,
        });
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `fuzz (sockets): ${counts.sent} raw requests (seed ${SEED}, ${counts.wireBroken} broken at the wire level): ` +
        `${counts.c2xx} 2xx, ${counts.other} other non-error, ${counts.c4xx} 4xx, 5xx seen: ${counts.c5xx}, no answer: ` +
        `${counts.noAnswer}; store dump verified unchanged after ${counts.verified} of ${counts.c4xx} rejected requests; ${seconds} s`,
    );
    expect(failures).toEqual([]);
    expect(counts.c5xx).toBe(0);
    expectDidWork("fuzz (sockets) raw requests answered", counts.sent - counts.noAnswer, TOTAL, 0.99);
    expectDidWork("fuzz (sockets) rejected requests with the dump verified", counts.verified, counts.c4xx, 1);
  }, 600_000);
});
