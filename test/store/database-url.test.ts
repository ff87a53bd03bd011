import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { isPostgresUrl, sqlitePath } from "../../src/store/database-url.js";

describe("database URLs", () => {
  it("reads a sqlite: URL as a file path, resolved against the working directory", () => {
    expect(sqlitePath("sqlite:data/ecs-vip.db")).toBe(resolve("data/ecs-vip.db"));
    expect(sqlitePath("sqlite:/var/lib/ecs-vip/store.db")).toBe("/var/lib/ecs-vip/store.db");
    expect(sqlitePath("postgres://u@h/db")).toBeUndefined();
  });

  it("recognises both PostgreSQL schemes and nothing else", () => {
    expect(isPostgresUrl("postgres://u@h:5432/db")).toBe(true);
    expect(isPostgresUrl("postgresql://u@h/db")).toBe(true);
    expect(isPostgresUrl("sqlite:x.db")).toBe(false);
    expect(isPostgresUrl("mysql://u@h/db")).toBe(false);
  });
});
