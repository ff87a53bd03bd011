import { describe, expect, it } from "vitest";
import { unavailability } from "../../../src/store/postgres/connection-failures.js";

const withCode = (code: string, message = "failed") => Object.assign(new Error(message), { code });

describe("which pg errors mean the database is unavailable for now", () => {
  it("names a gone or restarting server unreachable", () => {
    expect(unavailability(withCode("ECONNREFUSED"))).toBe("unreachable");
    expect(unavailability(withCode("ECONNRESET"))).toBe("unreachable");
    expect(unavailability(withCode("57P01", "terminating connection due to administrator command"))).toBe(
      "unreachable",
    );
    expect(unavailability(withCode("57P03", "the database system is starting up"))).toBe("unreachable");
    expect(unavailability(withCode("08006"))).toBe("unreachable");
    expect(unavailability(new Error("Connection terminated unexpectedly"))).toBe("unreachable");
    expect(unavailability(new Error("timeout exceeded when trying to connect"))).toBe("unreachable");
    expect(unavailability(new AggregateError([withCode("ECONNREFUSED")], "all failed"))).toBe("unreachable");
  });

  it("tells a node turned read-only and a timeout apart", () => {
    expect(unavailability(withCode("25006", "cannot execute INSERT in a read-only transaction"))).toBe("read-only");
    expect(unavailability(withCode("57014", "canceling statement due to statement timeout"))).toBe("timed-out");
    expect(unavailability(new Error("Query read timeout"))).toBe("timed-out");
  });

  it("leaves everything else to surface as it is", () => {
    expect(unavailability(withCode("23505", "duplicate key"))).toBeUndefined();
    expect(unavailability(withCode("42P01", "relation does not exist"))).toBeUndefined();
    expect(unavailability(new Error("a single-statement read cannot write"))).toBeUndefined();
    expect(unavailability("Connection terminated")).toBeUndefined();
  });
});
