import { describe, expect, it } from "vitest";
import { API_TOKEN_PREFIX, generateApiToken, hashToken, parseApiToken, tokenRole } from "@/lib/accounts/api-token.ts";

describe("API tokens", () => {
  it("generates fbt_ tokens of 256 random bits whose hash parses back", () => {
    const a = generateApiToken();
    const b = generateApiToken();
    expect(a.token).toMatch(/^fbt_[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.prefix).toBe(a.token.slice(0, 12));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(parseApiToken(a.token)).toEqual({ prefix: a.prefix, hash: a.hash });
    expect(hashToken(a.token)).toBe(a.hash);
  });

  it.each([
    ["the admin token", "fbk_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"],
    ["empty", ""],
    ["the prefix alone", API_TOKEN_PREFIX],
    ["one character short", `fbt_${"a".repeat(42)}`],
    ["one character long", `fbt_${"a".repeat(44)}`],
    ["characters outside base64url", `fbt_${"a".repeat(42)}=`],
    ["another prefix's case", `FBT_${"a".repeat(43)}`],
  ])("does not take %s for an API token", (_what, value) => {
    expect(parseApiToken(value)).toBeNull();
  });

  it("acts with the least of scope ceiling, granted role and the owner's role today", () => {
    expect(tokenRole("read", "admin", "admin")).toBe("viewer");
    expect(tokenRole("control", "admin", "admin")).toBe("oncall");
    expect(tokenRole("control", "analyst", "admin")).toBe("analyst");
    // The owner was demoted after the token was made: the token follows.
    expect(tokenRole("control", "oncall", "viewer")).toBe("viewer");
    // Made with the admin token: no owner to cap it.
    expect(tokenRole("control", "oncall", null)).toBe("oncall");
    expect(tokenRole("ingest", "admin", "admin")).toBeNull();
  });
});
