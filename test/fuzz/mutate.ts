/**
 * Schema-guided mutation: start from a valid request for a route and break it in one to three places — a body field
 * (wrong type, missing, extra, huge number, deep nesting, odd IP, unicode, long string), the whole body (invalid JSON,
 * invalid UTF-8, oversized, not an object), a path parameter (odd characters, percent-encoding, another kind of id),
 * the path's shape, the method, the query string, the headers, or the credentials.
 */

import { signatureFor } from "../../src/auth/aksk-signature.js";
import { issueToken } from "../../src/auth/tokens.js";
import { type FuzzWorld, paramValue, type Route, validBody, validQuery } from "./catalog.js";
import type { Rng } from "./prng.js";

export interface FuzzRequest {
  route: Route;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  mutations: string[];
}

export interface Credentials {
  token: string;
  tokenSecret: string;
  accountId: string;
  userId: string;
}

export const BAD_IPS = [
  "192.168.0.256",
  "192.168.000.7",
  "192.168.0.07",
  "::1",
  "fe80::1%eth0",
  " 192.168.0.7",
  "192.168.0.7 ",
  "192.168.0.7\n",
  "192.168.0.7/24",
  "192.168.0.7/33",
  "192.168.0.0/24",
  "0.0.0.0/0",
  "0.0.0.0",
  "255.255.255.255",
  "192.168.0",
  "192.168.0.7.",
  "1.2.3.4.5",
  "0x7f.0.0.1",
  "١٩٢.١٦٨.٠.٧",
  "192.168.0.-1",
  "+192.168.0.7",
  "192.168.0.1e1",
  "",
  "192.168.0.7\u0000",
];

const UNICODE = [
  "é",
  "日本語",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "💥🔥",
  "\u202eevil",
  "\u200b",
  "\ufeff",
  "\u0000",
  "a\u0301",
  "\ud83d",
  "Ω≈ç√∫",
  "<script>",
  "' OR 1=1 --",
  "%s%n",
  "../../etc/passwd",
];

/** Literal JSON tokens JS cannot produce with JSON.stringify. */
const RAW_NUMBERS = [
  "1e400",
  "-1e400",
  "-0",
  "1.5",
  "1E+2",
  "0.0000001",
  "9007199254740993",
  "123456789012345678901234567890",
  "-1",
  "0",
  "4294967296",
  "1e-400",
];

/** Lone surrogates replaced, so the text can be percent-encoded. */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "?");
}

function longString(rng: Rng): string {
  return "x".repeat(rng.pick([65, 129, 256, 1025, 65537, 200_000]));
}

function randomValue(rng: Rng): unknown {
  return rng.weighted<() => unknown>([
    [3, () => null],
    [2, () => rng.chance(0.5)],
    [3, () => rng.pick([0, -1, 1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308])],
    [3, () => rng.pick(["", " ", "null", "true", "1", "[]", "{}"])],
    [3, () => rng.pick(BAD_IPS)],
    [2, () => rng.pick(UNICODE)],
    [1, () => longString(rng)],
    [2, () => []],
    [2, () => ({})],
    [1, () => [1, "a", null, {}]],
    [1, () => ({ a: { b: [null] } })],
  ])();
}

type Path = (string | number)[];

function allPaths(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths.push(...allPaths(item, [...prefix, i]));
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) paths.push(...allPaths(item, [...prefix, key]));
  }
  return paths;
}

function getAt(root: unknown, path: Path): unknown {
  let node = root as any;
  for (const key of path) node = node?.[key];
  return node;
}

/** Raw JSON text spliced in where a marker string stands. */
class RawSlots {
  private readonly slots = new Map<string, string>();

  marker(raw: string): string {
    const key = `\u0001RAW${this.slots.size}\u0001`;
    this.slots.set(key, raw);
    return key;
  }

  serialize(value: unknown): string {
    let text = JSON.stringify(value) ?? "";
    for (const [key, raw] of this.slots) text = text.replace(JSON.stringify(key), raw);
    return text;
  }
}

function deepNesting(rng: Rng): string {
  const depth = rng.pick([64, 1000, 10_000, 100_000]);
  return rng.chance(0.5) ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** Mutates one node of the body in place; returns the new root (the root itself may be replaced). */
function mutateBodyNode(rng: Rng, root: unknown, raw: RawSlots): { root: unknown; what: string } {
  const paths = allPaths(root);
  const path = rng.pick(paths);
  const node = getAt(root, path);
  const parent = path.length > 0 ? getAt(root, path.slice(0, -1)) : undefined;
  const last = path.at(-1);
  const where = path.length === 0 ? "body" : path.join(".");
  const replace = (value: unknown, what: string) => {
    if (path.length === 0) return { root: value, what: `${what} @body` };
    (parent as any)[last as string] = value;
    return { root, what: `${what} @${where}` };
  };
  const op = rng.weighted<string>([
    [6, "wrong-type"],
    [4, "missing"],
    [3, "extra"],
    [4, "string"],
    [2, "raw-number"],
    [1, "deep"],
    [0.5, "flat-array"],
    [1, "array-bloat"],
    [1, "object-as-array"],
  ]);
  switch (op) {
    case "missing":
      if (parent && typeof parent === "object") {
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete (parent as any)[last as string];
        return { root, what: `missing @${where}` };
      }
      return replace(undefined, "missing");
    case "extra":
      if (node && typeof node === "object" && !Array.isArray(node)) {
        const key = rng.pick([
          "__proto__",
          "constructor",
          "prototype",
          "toString",
          "",
          "x".repeat(300),
          "é",
          "nic",
          "id",
        ]);
        Object.defineProperty(node, key, {
          value: randomValue(rng),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        return { root, what: `extra ${JSON.stringify(key)} @${where}` };
      }
      if (Array.isArray(node)) {
        node.push(randomValue(rng));
        return { root, what: `extra item @${where}` };
      }
      return replace(randomValue(rng), "wrong-type");
    case "string": {
      const value = rng.weighted<() => string>([
        [5, () => rng.pick(BAD_IPS)],
        [3, () => rng.pick(UNICODE)],
        [1, () => longString(rng)],
        [2, () => (typeof node === "string" ? `${node}${rng.pick(["/32", " ", "\t", "%", "'", "\\"])}` : "")],
        [1, () => (typeof node === "string" ? node.toUpperCase() : "A")],
        [1, () => (typeof node === "string" ? ` ${node}` : " ")],
      ])();
      return replace(value, "string");
    }
    case "raw-number":
      return replace(raw.marker(rng.pick(RAW_NUMBERS)), "raw-number");
    case "deep":
      return replace(raw.marker(deepNesting(rng)), "deep-nesting");
    case "flat-array": {
      const count = rng.pick([1000, 150_000, 400_000]);
      return replace(raw.marker(`[${"0,".repeat(count - 1)}0]`), `flat array x${count}`);
    }
    case "array-bloat": {
      const item = Array.isArray(node) ? (node[0] ?? {}) : node;
      // Up to ~1.5 MB of items: past the body limit at times, never past what a test can build.
      const size = (JSON.stringify(item) ?? "").length + 1;
      const count = Math.max(2, Math.min(rng.pick([2, 13, 101, 1001, 20_000]), Math.floor(1_500_000 / size)));
      return replace(
        Array.from({ length: count }, () => structuredClone(item)),
        `array x${count}`,
      );
    }
    case "object-as-array":
      return replace(Array.isArray(node) ? Object.assign({}, node) : [node], "object<->array");
    default:
      return replace(randomValue(rng), "wrong-type");
  }
}

const INVALID_UTF8 = [
  Buffer.from([0xff, 0xfe, 0xfd]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from([0xc0, 0xaf]),
];

function wholeBody(rng: Rng, valid: string): { payload: string | Buffer; what: string } {
  return rng.weighted<() => { payload: string | Buffer; what: string }>([
    [3, () => ({ payload: "", what: "empty body" })],
    [2, () => ({ payload: rng.pick([" ", "\n", "\t\r\n "]), what: "whitespace body" })],
    [3, () => ({ payload: valid.slice(0, rng.int(valid.length)), what: "truncated JSON" })],
    [3, () => ({ payload: rng.pick(["null", "[]", "123", '"x"', "true", "{}", "[{}]"]), what: "non-object body" })],
    [
      3,
      () => {
        const cut = rng.int(valid.length + 1);
        return {
          payload: Buffer.concat([
            Buffer.from(valid.slice(0, cut)),
            rng.pick(INVALID_UTF8),
            Buffer.from(valid.slice(cut)),
          ]),
          what: "invalid UTF-8",
        };
      },
    ],
    [
      2,
      () => {
        // Invalid UTF-8 inside a string value: still valid JSON structure.
        const at = valid.indexOf('"', 2);
        const cut = at < 0 ? 1 : at + 1;
        return {
          payload: Buffer.concat([
            Buffer.from(valid.slice(0, cut)),
            rng.pick(INVALID_UTF8),
            Buffer.from(valid.slice(cut)),
          ]),
          what: "invalid UTF-8 in a string",
        };
      },
    ],
    [1, () => ({ payload: `\ufeff${valid}`, what: "BOM" })],
    [1, () => ({ payload: `${valid}garbage`, what: "trailing garbage" })],
    [1, () => ({ payload: `${valid}${valid}`, what: "two documents" })],
    [1, () => ({ payload: valid.replace(/^\{/, '{"a":1,"a":2,'), what: "duplicate keys" })],
    [1, () => ({ payload: Buffer.from(valid, "utf16le"), what: "UTF-16 body" })],
    [1, () => ({ payload: valid.replaceAll('"', "'"), what: "single quotes" })],
    [1, () => ({ payload: `/* c */${valid}`, what: "comment" })],
    [1, () => ({ payload: "{".repeat(rng.pick([10, 5000])), what: "unclosed braces" })],
    [0.4, () => ({ payload: `{"pad":"${"x".repeat(1024 * 1024)}",${valid.slice(1)}`, what: "oversized (>1 MiB)" })],
    [0.3, () => ({ payload: `{"pad":"${"x".repeat(1000 * 1000)}",${valid.slice(1)}`, what: "large (<1 MiB)" })],
    [1, () => ({ payload: deepNesting(rng), what: "deep nesting" })],
    [
      0.5,
      () => {
        const count = rng.pick([1000, 150_000, 400_000]);
        return { payload: `{"items":[${"0,".repeat(count - 1)}0]}`, what: `flat array x${count}` };
      },
    ],
  ])();
}

const PARAM_VALUES = [
  "",
  " ",
  "%20",
  "%00",
  "%2F",
  "%2f..%2f",
  "..",
  ".",
  "%zz",
  "%",
  "%E0%A4%A",
  "%C3%A9",
  "%F0%9F%92%A5",
  "%ED%A0%80",
  "%252F",
  "null",
  "undefined",
  "-1",
  "0",
  "1e5",
  "[]",
  "%7B%7D",
  "*",
  "'",
  "%27%20OR%201%3D1",
  "a;b",
  "a,b",
  "~",
];

function mutateParam(rng: Rng, world: FuzzWorld, value: string): { value: string; what: string } {
  const others = [
    world.vpcId,
    world.subnetId,
    world.neutronSubnetId,
    world.serverId,
    world.nicId,
    world.vipPortId,
    world.privateIpId,
    world.gatewayPortId,
    world.jobId,
    world.projectId,
    "00000000-0000-0000-0000-000000000000",
    "ffffffffffffffffffffffffffffffff",
  ];
  return rng.weighted<() => { value: string; what: string }>([
    [4, () => ({ value: rng.pick(PARAM_VALUES), what: "odd param" })],
    [4, () => ({ value: rng.pick(others), what: "another id" })],
    [1, () => ({ value: value.toUpperCase(), what: "upper-case param" })],
    [1, () => ({ value: `${value}x`, what: "param + x" })],
    [1, () => ({ value: value.slice(0, -1), what: "param - 1 char" })],
    [1, () => ({ value: "a".repeat(rng.pick([64, 65, 511, 512, 513, 4096])), what: "long param" })],
    [1, () => ({ value: encodeURIComponent(wellFormed(rng.pick(UNICODE))), what: "unicode param" })],
  ])();
}

const CONTENT_TYPES = [
  "text/plain",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=latin1",
  "application/json; charset=utf-16",
  "application/json;;;",
  "APPLICATION/JSON",
  "application/merge-patch+json",
  "*/*",
  "json",
  "",
  "\u0001",
  "application/json, text/plain",
];

export interface GenerateOptions {
  world: FuzzWorld;
  credentials: Credentials;
  route: Route;
  /** Fraction of requests left valid. */
  validShare?: number;
}

export function generate(rng: Rng, options: GenerateOptions): FuzzRequest {
  const { world, route, credentials } = options;
  const mutations: string[] = [];
  let method = route.method;
  const segments = route.path.split("/").map((segment) => {
    if (!segment.startsWith(":")) return segment;
    return encodeURIComponent(paramValue(world, route, segment.slice(1)));
  });
  const paramIndexes = segments.map((_, i) => i).filter((i) => route.path.split("/")[i]?.startsWith(":"));
  let query: [string, string][] = validQuery(world, route).map(([k, v]) => [
    encodeURIComponent(k),
    encodeURIComponent(v),
  ]);
  const raw = new RawSlots();
  let body: unknown = structuredClone(validBody(world, route));
  let payload: string | Buffer | undefined;
  let suffix = "";
  const headers: Record<string, string> = { "content-type": "application/json" };
  let auth: "token" | "none" | "garbage" | "forged" | "aksk" | "aksk-tampered" = "token";

  const count = rng.chance(options.validShare ?? 0.06) ? 0 : 1 + rng.int(3);
  for (let n = 0; n < count; n++) {
    const kind = rng.weighted<string>([
      [body !== undefined ? 30 : 4, "body-node"],
      [body !== undefined ? 10 : 3, "body-whole"],
      [paramIndexes.length > 0 ? 12 : 0, "param"],
      [4, "path-shape"],
      [3, "method"],
      [10, "query"],
      [8, "header"],
      [10, "auth"],
    ]);
    switch (kind) {
      case "body-node": {
        if (body === undefined) body = {};
        const result = mutateBodyNode(rng, body, raw);
        body = result.root;
        mutations.push(result.what);
        break;
      }
      case "body-whole": {
        const whole = wholeBody(rng, raw.serialize(body ?? {}));
        payload = whole.payload;
        mutations.push(whole.what);
        break;
      }
      case "param": {
        const index = rng.pick(paramIndexes);
        const result = mutateParam(rng, world, segments[index] ?? "");
        segments[index] = result.value;
        mutations.push(`${result.what} ${route.path.split("/")[index]}=${JSON.stringify(result.value.slice(0, 40))}`);
        break;
      }
      case "path-shape": {
        const what = rng.pick([
          "trailing slash",
          "double slash",
          "upper case",
          "extra segment",
          "drop segment",
          "semicolon",
          "dot segment",
          "fragment",
          "empty query",
        ]);
        const i = 1 + rng.int(Math.max(1, segments.length - 1));
        if (what === "trailing slash") suffix = "/";
        else if (what === "double slash") segments.splice(i, 0, "");
        else if (what === "upper case") segments[i] = (segments[i] ?? "").toUpperCase();
        else if (what === "extra segment") segments.push(rng.pick(["x", "..", "%2e", "delete", "nics", "0"]));
        else if (what === "drop segment") segments.splice(i, 1);
        else if (what === "semicolon") segments[i] = `${segments[i] ?? ""};jsessionid=1`;
        else if (what === "dot segment") segments.splice(i, 0, rng.pick([".", ".."]));
        else if (what === "fragment") suffix = "#frag";
        else suffix = "?";
        mutations.push(what);
        break;
      }
      case "method":
        method = rng.pick(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]);
        mutations.push(`method ${method}`);
        break;
      case "query": {
        const what = rng.weighted<() => string>([
          [
            4,
            () => {
              const key = rng.pick([
                "limit",
                "marker",
                "vpc_id",
                "name",
                "id",
                "fixed_ips",
                "page",
                "per_page",
                "enabled",
              ]);
              const value = rng.pick([
                "abc",
                "-1",
                "0",
                "1.5",
                "1e400",
                "99999999999999999999",
                "",
                "true",
                "%zz",
                "%00",
                "%C3%A9",
                encodeURIComponent(rng.pick(BAD_IPS)),
                "x".repeat(rng.pick([65, 5000])),
                "ip_address=192.168.0.256",
                "subnet_id=",
                "foo",
                "=",
              ]);
              query.push([key, value]);
              return `query ${key}=${value.slice(0, 20)}`;
            },
          ],
          [
            1,
            () => {
              query.push(...query.map(([k]) => [k, "2"] as [string, string]));
              return "repeated keys";
            },
          ],
          [
            1,
            () => {
              query = query.map(([k]) => [k, ""]);
              return "empty values";
            },
          ],
          [
            1,
            () => {
              query.push([rng.pick(["__proto__", "constructor", "limit[]", "a[b]", ""]), "1"]);
              return "odd key";
            },
          ],
          [
            0.5,
            () => {
              const n = rng.pick([100, 3000, 40_000]);
              for (let i = 0; i < n; i++) query.push(["id", `${i}`]);
              return `id x${n}`;
            },
          ],
          [
            1,
            () => {
              query.push(["&&", "&"]);
              return "stray separators";
            },
          ],
        ])();
        mutations.push(what);
        break;
      }
      case "header": {
        const set = (name: string, values: string[]) => {
          headers[name] = rng.pick(values);
          return `${name}: ${headers[name]?.slice(0, 40)}`;
        };
        const what = rng.weighted<() => string>([
          [5, () => set("content-type", CONTENT_TYPES)],
          [
            2,
            () => {
              delete headers["content-type"];
              return "no content-type";
            },
          ],
          [1, () => set("x-project-id", ["", "x", world.projectId.toUpperCase(), "%zz"])],
          [1, () => set("content-encoding", ["gzip", "deflate", "br", "identity"])],
          [1, () => set("accept", ["application/xml", "*/*", "", "text/html"])],
          [1, () => set("host", ["", "evil.example", "[::1]:1", "a".repeat(300)])],
          [1, () => set("x-junk", ["v".repeat(10), "v".repeat(8000)])],
        ])();
        mutations.push(what);
        break;
      }
      case "auth":
        auth = rng.pick(["none", "garbage", "forged", "aksk", "aksk", "aksk-tampered"] as const);
        mutations.push(`auth ${auth}`);
        break;
    }
  }

  if (payload === undefined && body !== undefined) payload = raw.serialize(body);
  if (payload === undefined && rng.chance(0.1)) {
    payload = rng.pick(["", "{}", "{bad", "[]"]);
    mutations.push(`body on a bodiless route: ${payload}`);
  }
  const path = segments.join("/") || "/";
  const queryText = query.map(([k, v]) => (v === "" && rng.chance(0.3) ? k : `${k}=${v}`)).join("&");
  const url = `${path}${queryText ? `?${queryText}` : ""}${suffix}`;

  switch (auth) {
    case "token":
      headers["x-auth-token"] = credentials.token;
      break;
    case "none":
      break;
    case "garbage":
      headers["x-auth-token"] = rng.pick([
        "",
        "x",
        credentials.token.slice(0, -2),
        `${credentials.token}x`,
        credentials.token.replace(".", ""),
        `.${credentials.token}`,
        "a".repeat(9000),
        "%00",
        "é",
      ]);
      break;
    case "forged":
      // A token the server really signed, for a project that is not the path's (or an expired one).
      headers["x-auth-token"] = issueToken(
        {
          userId: credentials.userId,
          accountId: credentials.accountId,
          projectId: rng.pick(["f".repeat(32), "", world.projectId]),
          issuedAt: "2020-01-01T00:00:00.000Z",
          expiresAt: rng.chance(0.5) ? "2020-01-02T00:00:00.000Z" : "2999-01-01T00:00:00.000Z",
        },
        credentials.tokenSecret,
      );
      break;
    case "aksk":
    case "aksk-tampered":
      signAkSk(rng, world, method, url, headers, payload, auth === "aksk-tampered");
      break;
  }
  return { route, method, url, headers, payload, mutations };
}

function sdkDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** Signs as the official SDK does (over the headers it lists), then maybe breaks one part of it. */
function signAkSk(
  rng: Rng,
  world: FuzzWorld,
  method: string,
  url: string,
  headers: Record<string, string>,
  payload: string | Buffer | undefined,
  tamper: boolean,
): void {
  headers.host = headers.host ?? "localhost:80";
  headers["x-sdk-date"] = sdkDate(new Date());
  const signed = ["content-type", "host", "x-sdk-date"].filter((name) => headers[name] !== undefined);
  const [pathPart, ...rest] = url.split("?");
  const rawQuery = rest.join("?").split("#")[0] ?? "";
  const signature = signatureFor(
    {
      method,
      path: (pathPart ?? "/").split("#")[0] ?? "/",
      rawQuery,
      header: (name) => headers[name],
      body: payload === undefined ? Buffer.alloc(0) : Buffer.from(payload),
    },
    signed,
    headers["x-sdk-date"],
    world.secretKey,
  );
  let authorization = `SDK-HMAC-SHA256 Access=${world.accessKey}, SignedHeaders=${signed.join(";")}, Signature=${signature}`;
  if (tamper) {
    const how = rng.int(6);
    if (how === 0) authorization = authorization.replace(signature, signature.replace(/.$/, "0"));
    else if (how === 1) headers["x-sdk-date"] = rng.pick(["20200101T000000Z", "garbage", "", "99999999T999999Z"]);
    else if (how === 2) authorization = authorization.replace(world.accessKey, "UNKNOWNAK");
    else if (how === 3)
      authorization = rng.pick(["SDK-HMAC-SHA256", "SDK-HMAC-SHA256 ", "Basic abc", "SDK-HMAC-SHA256 a,b,c"]);
    else if (how === 4) authorization = authorization.replace("SignedHeaders=", "SignedHeaders=x-missing;");
    else headers["x-project-id"] = rng.pick(["f".repeat(32), "", "%"]);
  }
  headers.authorization = authorization;
}
