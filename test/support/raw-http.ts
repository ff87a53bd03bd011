import net from "node:net";

/** A response read off the wire, header names lower-cased; body de-chunked when it came chunked. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything the server wrote, as latin1 text. */
  raw: string;
}

/** Sends bytes exactly as given on a fresh connection and reads until the server closes it (or `timeoutMs`). */
export function sendRaw(port: number, bytes: string | Buffer, timeoutMs = 2000): Promise<RawResponse | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(Buffer.concat(chunks).toString("latin1")));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString("latin1");
      if (isComplete(text)) finish();
    });
    socket.on("close", finish);
    socket.on("error", finish);
    socket.write(bytes);
  });
}

function splitHead(text: string): { head: string; rest: string } | undefined {
  // A 100 Continue interim response comes first at times; the real one follows.
  let from = 0;
  for (;;) {
    const end = text.indexOf("\r\n\r\n", from);
    if (end < 0) return undefined;
    const head = text.slice(from, end);
    if (/^HTTP\/1\.\d 1\d\d /.test(head)) {
      from = end + 4;
      continue;
    }
    return { head, rest: text.slice(end + 4) };
  }
}

function headersOf(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function dechunk(text: string): string | undefined {
  let body = "";
  let rest = text;
  for (;;) {
    const line = rest.indexOf("\r\n");
    if (line < 0) return undefined;
    const size = Number.parseInt(rest.slice(0, line), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return body;
    if (rest.length < line + 2 + size + 2) return undefined;
    body += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

function isComplete(text: string): boolean {
  const parts = splitHead(text);
  if (!parts) return false;
  const headers = headersOf(parts.head);
  if (headers["transfer-encoding"]?.includes("chunked")) return dechunk(parts.rest) !== undefined;
  if (headers["content-length"] !== undefined) {
    return Buffer.byteLength(parts.rest, "latin1") >= Number(headers["content-length"]);
  }
  return /^HTTP\/1\.\d (1\d\d|204|304) /.test(parts.head);
}

function parseResponse(text: string): RawResponse | undefined {
  const parts = splitHead(text);
  if (!parts) return undefined;
  const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(parts.head)?.[1]);
  if (!status) return undefined;
  const headers = headersOf(parts.head);
  let body = parts.rest;
  if (headers["transfer-encoding"]?.includes("chunked")) body = dechunk(parts.rest) ?? parts.rest;
  else if (headers["content-length"] !== undefined) body = body.slice(0, Number(headers["content-length"]));
  return { status, headers, body: Buffer.from(body, "latin1").toString("utf8"), raw: text };
}
