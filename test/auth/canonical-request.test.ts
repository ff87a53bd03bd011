/**
 * The server's canonical request and signature, checked rule by rule and then against the official SDK's own signer
 * (`AKSKSigner.sign`, what every SDK call goes through): same request in, same signature out.
 */
import { stringify } from "node:querystring";
import { parse } from "node:url";
import { BasicCredentials } from "@huaweicloud/huaweicloud-sdk-core";
import { AKSKSigner } from "@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAuthorization, parseSdkDate, signatureFor, signaturesMatch } from "../../src/auth/aksk-signature.js";
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  encodeRfc3986,
  type SignableRequest,
} from "../../src/auth/canonical-request.js";

/** The SDK's own percent-encoder (a protected static at the type level, public at runtime). */
const sdkUrlEncode = (text: string): string => (AKSKSigner as any).urlEncode(text);

describe("encodeRfc3986", () => {
  it("keeps only A-Z a-z 0-9 - _ . ~ and escapes everything else as uppercase UTF-8 %XX", () => {
    expect(encodeRfc3986("AZaz09-_.~")).toBe("AZaz09-_.~");
    expect(encodeRfc3986("a b")).toBe("a%20b");
    expect(encodeRfc3986("100%")).toBe("100%25");
    expect(encodeRfc3986("%20")).toBe("%2520");
    expect(encodeRfc3986("!*'()")).toBe("%21%2A%27%28%29");
    expect(encodeRfc3986("a+b=c&d/e:f")).toBe("a%2Bb%3Dc%26d%2Fe%3Af");
    expect(encodeRfc3986("é€😀")).toBe("%C3%A9%E2%82%AC%F0%9F%98%80");
  });

  it("agrees with the SDK's encoder on any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        expect(encodeRfc3986(text)).toBe(sdkUrlEncode(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe("canonicalUri", () => {
  it("encodes each raw segment again and appends a slash unless there is one", () => {
    expect(canonicalUri("/v1/p/vpcs")).toBe("/v1/p/vpcs/");
    expect(canonicalUri("/v1/p/vpcs/")).toBe("/v1/p/vpcs/");
    expect(canonicalUri("/")).toBe("/");
    // An escape already on the wire is escaped once more, exactly as the SDK signs it.
    expect(canonicalUri("/v1/a%20b:c%25")).toBe("/v1/a%2520b%3Ac%2525/");
    expect(canonicalUri("/v2.0/ports/x~y_z.1")).toBe("/v2.0/ports/x~y_z.1/");
  });
});

describe("canonicalQuery", () => {
  it("is empty for no query", () => {
    expect(canonicalQuery("")).toBe("");
  });

  it("sorts pairs by key, then repeated keys by value", () => {
    expect(canonicalQuery("limit=10&marker=abc&id=7")).toBe("id=7&limit=10&marker=abc");
    expect(canonicalQuery("k=b&a=1&k=a&k=c")).toBe("a=1&k=a&k=b&k=c");
  });

  it("decodes before sorting and re-encodes after, so spaces, `+`, `%` and `=` in values come out one way", () => {
    expect(canonicalQuery("name=a+b")).toBe("name=a%20b");
    expect(canonicalQuery("name=a%20b")).toBe("name=a%20b");
    expect(canonicalQuery("v=100%25")).toBe("v=100%25");
    expect(canonicalQuery("fixed_ips=ip_address%3D10.0.0.5")).toBe("fixed_ips=ip_address%3D10.0.0.5");
    expect(canonicalQuery("fixed_ips=ip_address=10.0.0.5")).toBe("fixed_ips=ip_address%3D10.0.0.5");
    expect(canonicalQuery("x=!*'()")).toBe("x=%21%2A%27%28%29");
    // Sorted on decoded keys: "aZ" < "a[" although the encoded "a%5B" < "aZ".
    expect(canonicalQuery("a%5B=1&aZ=2")).toBe("aZ=2&a%5B=1");
  });

  it("treats a key without `=` as an empty value and skips empty parts", () => {
    expect(canonicalQuery("flag&&b=1")).toBe("b=1&flag=");
  });

  it("keeps a malformed escape as literal text instead of failing", () => {
    expect(canonicalQuery("a=%zz")).toBe("a=%25zz");
  });
});

describe("canonicalRequest", () => {
  it("joins method, URI, query, the listed headers, their names and the body hash with newlines", () => {
    const headers: Record<string, string> = { host: "h:1", "x-sdk-date": "20260101T000000Z", "content-type": "a/b" };
    const request: SignableRequest = {
      method: "get",
      path: "/v1/p",
      rawQuery: "b=2&a=1",
      header: (name) => headers[name],
      body: Buffer.alloc(0),
    };
    expect(canonicalRequest(request, ["content-type", "host", "x-sdk-date"])).toBe(
      [
        "GET",
        "/v1/p/",
        "a=1&b=2",
        "content-type:a/b\nhost:h:1\nx-sdk-date:20260101T000000Z\n",
        "content-type;host;x-sdk-date",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      ].join("\n"),
    );
  });
});

describe("parsing the signature's inputs", () => {
  it("reads the Authorization header the SDK writes, and rejects other schemes", () => {
    expect(
      parseAuthorization("SDK-HMAC-SHA256 Access=AK1, SignedHeaders=content-type;Host;x-sdk-date, Signature=ab12"),
    ).toEqual({ accessKey: "AK1", signedHeaders: ["content-type", "host", "x-sdk-date"], signature: "ab12" });
    expect(parseAuthorization("Bearer abc")).toBeUndefined();
    expect(parseAuthorization("SDK-HMAC-SHA256 Access=AK1, Signature=ab12")).toBeUndefined();
    expect(parseAuthorization("SDK-HMAC-SHA256 garbage")).toBeUndefined();
  });

  it("reads X-Sdk-Date as UTC and rejects anything else", () => {
    expect(parseSdkDate("20261126T131306Z")?.toISOString()).toBe("2026-11-26T13:13:06.000Z");
    for (const bad of ["", "2026-11-26T13:13:06Z", "20261126T131306", "20261126T131306+0100"]) {
      expect(parseSdkDate(bad)).toBeUndefined();
    }
  });

  it("compares signatures only when they are equal, whatever the case of the given hex", () => {
    expect(signaturesMatch("abc123", "abc123")).toBe(true);
    expect(signaturesMatch("abc123", "ABC123")).toBe(true);
    expect(signaturesMatch("abc123", "abc124")).toBe(false);
    expect(signaturesMatch("abc123", "abc12")).toBe(false);
  });
});

interface SdkCall {
  method: string;
  segments: string[];
  query: Record<string, string | string[]>;
  body: Record<string, unknown> | undefined;
}

/** Signs like an SDK client does; returns what reaches the server and the SDK's signature. */
function signWithSdk(call: SdkCall, ak: string, sk: string) {
  const endpoint = `http://127.0.0.1:8080/${call.segments.join("/")}`;
  const headers = AKSKSigner.sign(
    {
      endpoint,
      method: call.method,
      headers: { "content-type": "application/json", "X-Project-Id": "0123456789abcdef0123456789abcdef" },
      queryParams: call.query,
      data: call.body,
    },
    new BasicCredentials().withAk(ak).withSk(sk),
  ) as Record<string, string>;
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const request: SignableRequest = {
    method: call.method,
    path: parse(endpoint).pathname ?? "/",
    rawQuery: stringify(call.query),
    header: (name) => lower[name],
    body: Buffer.from(call.body === undefined ? "" : JSON.stringify(call.body)),
  };
  return { request, authorization: headers.Authorization ?? "", sdkDate: lower["x-sdk-date"] ?? "" };
}

const segment = fc.stringMatching(/^[A-Za-z0-9 %:@!$&'()*+,;=._~é-]{1,12}$/);
const queryText = fc.string({ unit: "binary", maxLength: 10 });
const sdkCall: fc.Arbitrary<SdkCall> = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE"),
  segments: fc.array(segment, { minLength: 1, maxLength: 4 }),
  query: fc.dictionary(
    queryText.filter((key) => key !== ""),
    fc.oneof(queryText, fc.array(queryText, { minLength: 1, maxLength: 3 })),
    { maxKeys: 4 },
  ),
  body: fc.option(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })), { nil: undefined }),
});

describe("signatureFor against the official SDK signer", () => {
  it("matches a typical SDK call: a list with repeated filters", () => {
    const { request, authorization, sdkDate } = signWithSdk(
      {
        method: "GET",
        segments: ["v2.0", "ports"],
        query: { fixed_ips: ["subnet_id=sn-1", "ip_address=10.0.0.5"], limit: "10", name: "a b" },
        body: undefined,
      },
      "AK1",
      "secret",
    );
    const parsed = parseAuthorization(authorization)!;
    expect(parsed.signedHeaders).toEqual(["content-type", "host", "x-project-id", "x-sdk-date"]);
    expect(signatureFor(request, parsed.signedHeaders, sdkDate, "secret")).toBe(parsed.signature);
    expect(signatureFor(request, parsed.signedHeaders, sdkDate, "secreT")).not.toBe(parsed.signature);
  });

  it("matches for any path, query and body the SDK can send", () => {
    fc.assert(
      fc.property(sdkCall, fc.string({ minLength: 1, maxLength: 30 }), (call, sk) => {
        const { request, authorization, sdkDate } = signWithSdk(call, "AKTEST", sk);
        const parsed = parseAuthorization(authorization)!;
        expect(signatureFor(request, parsed.signedHeaders, sdkDate, sk)).toBe(parsed.signature);
      }),
      { numRuns: 300 },
    );
  });

  it("differs as soon as the method, path, query or body differs from what was signed", () => {
    const call: SdkCall = {
      method: "POST",
      segments: ["v1", "p", "vpcs"],
      query: { a: "1" },
      body: { vpc: { name: "x" } },
    };
    const { request, authorization, sdkDate } = signWithSdk(call, "AK1", "sk");
    const { signedHeaders, signature } = parseAuthorization(authorization)!;
    const variants: SignableRequest[] = [
      { ...request, method: "PUT" },
      { ...request, path: "/v1/p/vpc" },
      { ...request, rawQuery: "a=2" },
      { ...request, body: Buffer.from(JSON.stringify({ vpc: { name: "y" } })) },
      { ...request, body: Buffer.from(JSON.stringify({ vpc: { name: "x" } }, null, 1)) },
    ];
    expect(signatureFor(request, signedHeaders, sdkDate, "sk")).toBe(signature);
    for (const variant of variants) expect(signatureFor(variant, signedHeaders, sdkDate, "sk")).not.toBe(signature);
  });
});
