import { describe, expect, it } from "vitest";
import { INGEST_ONLY_MESSAGE, requireLevel, type Principal } from "@/lib/accounts/access.ts";
import { ROLES, isRole, lesserRole, roleAllows, type Role } from "@/lib/accounts/roles.ts";
import { FirebreakError } from "@/lib/api/errors.ts";

const user = (role: Role, name = "dana"): Principal => ({
  kind: "user",
  via: "session",
  role,
  actor: name,
  userId: "7",
  sessionId: "abc",
  tokenId: null,
  scope: null,
  expiresAt: Date.now() + 1000,
  project: "default",
});

const token = (scope: Principal["scope"], role: Role): Principal => ({
  kind: "token",
  via: "bearer",
  role,
  actor: "token:ci-reader",
  userId: "7",
  sessionId: null,
  tokenId: "3",
  scope,
  expiresAt: null,
  project: "default",
});

function refusal(p: Principal, level: Role): FirebreakError {
  try {
    requireLevel(p, level);
  } catch (err) {
    if (err instanceof FirebreakError) return err;
    throw err;
  }
  throw new Error(`expected ${p.role} to be refused at ${level}`);
}

describe("roles", () => {
  it("orders roles so each includes the ones before it", () => {
    for (const [i, held] of ROLES.entries()) {
      for (const [j, needed] of ROLES.entries()) expect(roleAllows(held, needed), `${held} at ${needed}`).toBe(i >= j);
    }
  });

  it("picks the lesser role, and knows a role from anything else", () => {
    expect(lesserRole("admin", "analyst")).toBe("analyst");
    expect(lesserRole("viewer", "oncall")).toBe("viewer");
    expect(isRole("oncall")).toBe(true);
    expect(isRole("root")).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});

describe("requireLevel", () => {
  it("lets a role act at its own level and below", () => {
    expect(() => requireLevel(user("oncall"), "oncall")).not.toThrow();
    expect(() => requireLevel(user("oncall"), "analyst")).not.toThrow();
    expect(() => requireLevel(user("admin"), "viewer")).not.toThrow();
  });

  it("refuses with 403 naming the role needed, the caller and their role", () => {
    const err = refusal(user("viewer", "dana"), "oncall");
    expect(err.status).toBe(403);
    expect(err.message).toBe("this needs the oncall role; you are signed in as dana (viewer): ask an admin for that role");
    expect(refusal(user("analyst"), "admin").message).toMatch(/needs the admin role; .*\(analyst\)/);
  });

  it("refuses an ingest-only token everywhere on /api/v1, whatever its role says", () => {
    const err = refusal(token("ingest", "admin"), "viewer");
    expect(err.status).toBe(403);
    expect(err.message).toBe(INGEST_ONLY_MESSAGE);
    expect(err.message).toMatch(/^this token may only send records to the collector/);
  });

  it("says which token fell short and how to get one that does not", () => {
    const err = refusal(token("read", "viewer"), "analyst");
    expect(err.message).toBe('this needs the analyst role; the API token "ci-reader" (scope read) acts as viewer: create a token with a higher scope or role');
  });
});
