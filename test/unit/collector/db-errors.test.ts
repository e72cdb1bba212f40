import { describe, expect, it } from "vitest";
import { databaseUnavailableReason, unavailableMessage } from "@/lib/db/db-errors.ts";

const pgError = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("database errors that mean retry later", () => {
  it("classifies shutdown, connection, disk full and the socket errors", () => {
    expect(databaseUnavailableReason(pgError("57P01", "terminating connection due to administrator command"))).toBe("shutdown");
    expect(databaseUnavailableReason(pgError("57P03", "the database system is starting up"))).toBe("shutdown");
    expect(databaseUnavailableReason(pgError("53100", "could not extend file"))).toBe("disk_full");
    expect(databaseUnavailableReason(pgError("53300"))).toBe("resources");
    expect(databaseUnavailableReason(pgError("08006"))).toBe("connection");
    expect(databaseUnavailableReason(pgError("25006"))).toBe("read_only");
    expect(databaseUnavailableReason(pgError("40P01"))).toBe("conflict");
    expect(databaseUnavailableReason(pgError("ECONNREFUSED"))).toBe("connection");
    expect(databaseUnavailableReason(pgError("ENOENT", "connect ENOENT /tmp/x/.s.PGSQL.5432"))).toBe("connection");
    expect(databaseUnavailableReason(new Error("Connection terminated unexpectedly"))).toBe("connection");
    expect(databaseUnavailableReason(new Error("timeout exceeded when trying to connect"))).toBe("connection");
  });

  it("leaves everything else alone: a bug or bad data must not be retried for ever", () => {
    expect(databaseUnavailableReason(pgError("23505", "duplicate key"))).toBeNull();
    expect(databaseUnavailableReason(pgError("22P02"))).toBeNull();
    expect(databaseUnavailableReason(new TypeError("x is undefined"))).toBeNull();
    expect(databaseUnavailableReason("connection terminated")).toBeNull();
    expect(databaseUnavailableReason(null)).toBeNull();
  });

  it("tells the client to retry, and the operator what to fix on a full disk", () => {
    expect(unavailableMessage("disk_full")).toMatch(/disk full.*Retry-After.*free disk space/);
    expect(unavailableMessage("connection")).toMatch(/not stored; retry/);
  });
});
