import { describe, expect, it } from "vitest";
import { PostgresUrlError, parsePostgresUrl } from "../../../src/store/postgres/connection-url.js";

describe("PostgreSQL connection URLs", () => {
  it("keeps a single-host URL as pg reads it", () => {
    const url = parsePostgresUrl("postgres://postgres@127.0.0.1:5432/test");
    expect(url.hosts).toEqual([{ host: "127.0.0.1", port: 5432 }]);
    expect(url.targetSessionAttrs).toBe("any");
    expect(url.hostUrls).toEqual(["postgres://postgres@127.0.0.1:5432/test"]);
  });

  it("splits libpq's multi-host form into one URL per host, in order, keeping credentials and parameters", () => {
    const url = parsePostgresUrl(
      "postgresql://app:s%40cret@10.0.0.1:6001,db2,[::1]:6003/app?target_session_attrs=read-write&sslmode=disable",
    );
    expect(url.hosts).toEqual([
      { host: "10.0.0.1", port: 6001 },
      { host: "db2", port: 5432 },
      { host: "::1", port: 6003 },
    ]);
    expect(url.targetSessionAttrs).toBe("read-write");
    expect(url.hostUrls).toEqual([
      "postgresql://app:s%40cret@10.0.0.1:6001/app?sslmode=disable",
      "postgresql://app:s%40cret@db2:5432/app?sslmode=disable",
      "postgresql://app:s%40cret@[::1]:6003/app?sslmode=disable",
    ]);
  });

  it("takes hosts and ports from the query as libpq does, a socket directory included", () => {
    const url = parsePostgresUrl("postgres://u@/db?host=h1,/run/postgresql&port=6001,6002&target_session_attrs=any");
    expect(url.hosts).toEqual([
      { host: "h1", port: 6001 },
      { host: "/run/postgresql", port: 6002 },
    ]);
    expect(url.hostUrls[0]).toBe("postgres://u@h1:6001/db");
    expect(url.hostUrls[1]).toBe("postgres://u@/db?host=%2Frun%2Fpostgresql&port=6002");
  });

  it("refuses what it cannot honour instead of connecting somewhere else", () => {
    expect(() => parsePostgresUrl("postgres://h1,h2/db?target_session_attrs=standby")).toThrow(PostgresUrlError);
    expect(() => parsePostgresUrl("postgres://h1:99999/db")).toThrow(/bad port/);
    expect(() => parsePostgresUrl("postgres://u@/db?host=a,b,c&port=1,2")).toThrow(/3 hosts but 2 ports/);
    expect(() => parsePostgresUrl("mysql://h/db")).toThrow(PostgresUrlError);
  });
});
