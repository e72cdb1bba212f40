import { describe, expect, it } from "vitest";
import { checkDowngrade } from "@/lib/verify/downgrade.ts";
import { compareVersions, parseProtocol } from "@/lib/verify/protocol-version.ts";
import { makeRecord } from "@/test/fixtures/records.ts";
import { makeAgent } from "@/test/fixtures/registry.ts";

describe("compareVersions", () => {
  it.each([
    ["0.3", "0.2.5", 1],
    ["0.2.5", "0.3", -1],
    ["0.3", "0.3.0", 0],
    ["0.10", "0.9", 1],
    ["1", "0.99.99", 1],
    ["2025-06-18", "2025-03-26", 1],
    ["2024-11-05", "2025-03-26", -1],
    ["2025-6-18", "2025-06-18", 0],
    ["007", "7", 0],
    ["123456789012345678901234567890", "123456789012345678901234567889", 1],
  ])("%s vs %s", (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b) ?? Number.NaN)).toBe(sign);
  });

  it.each([["1.0-beta", "1.0"], ["", "1"], ["1..2", "1"], ["v1", "1"], ["1.0", "x"]])("cannot compare %j with %j", (a, b) => {
    expect(compareVersions(a, b)).toBeNull();
  });
});

describe("parseProtocol", () => {
  it("splits at the first slash", () => {
    expect(parseProtocol("mcp/2025-06-18")).toEqual({ name: "mcp", version: "2025-06-18" });
    expect(parseProtocol("x/1/2")).toEqual({ name: "x", version: "1/2" });
  });

  it.each(["a2a", "/0.3", "a2a/", ""])("refuses %j", (text) => {
    expect(parseProtocol(text)).toBeNull();
  });
});

describe("checkDowngrade", () => {
  const agent = makeAgent({ id: "planner", protocols: { a2a: "0.3", mcp: "2025-06-18" } });

  it("accepts the minimum and above", () => {
    for (const protocol of ["a2a/0.3", "a2a/0.3.1", "a2a/1.0", "mcp/2025-06-18", "mcp/2026-01-01"]) {
      expect(checkDowngrade(makeRecord({ protocol }), agent)).toEqual([]);
    }
  });

  it("flags a version below the minimum", () => {
    expect(checkDowngrade(makeRecord({ protocol: "a2a/0.2.5" }), agent)).toEqual([{ verdict: "downgrade", detail: "a2a/0.2.5 is below the minimum a2a/0.3" }]);
    expect(checkDowngrade(makeRecord({ protocol: "mcp/2025-03-26" }), agent)[0]?.verdict).toBe("downgrade");
  });

  it("flags a protocol the agent's policy does not name", () => {
    expect(checkDowngrade(makeRecord({ protocol: "xyz/9" }), agent)).toEqual([
      { verdict: "downgrade", detail: "protocol xyz not allowed for agent planner (allowed: a2a>=0.3, mcp>=2025-06-18)" },
    ]);
    // Inherited object keys are not protocols.
    expect(checkDowngrade(makeRecord({ protocol: "constructor/1" }), agent)[0]?.verdict).toBe("downgrade");
  });

  it("flags a malformed protocol or an incomparable version", () => {
    expect(checkDowngrade(makeRecord({ protocol: "a2a" }), agent)[0]?.detail).toBe('protocol "a2a" is not name/version');
    expect(checkDowngrade(makeRecord({ protocol: "a2a/0.4-rc1" }), agent)[0]?.detail).toBe("cannot compare a2a/0.4-rc1 with the minimum a2a/0.3");
  });

  it("requires messages and actions to name a protocol when the agent has a policy", () => {
    expect(checkDowngrade(makeRecord({ protocol: undefined }), agent)[0]?.detail).toBe("message names no protocol; agent planner requires a2a>=0.3, mcp>=2025-06-18");
    expect(checkDowngrade(makeRecord({ kind: "state.write", protocol: undefined }), agent)).toEqual([]);
  });

  it("checks nothing for an agent without a policy", () => {
    expect(checkDowngrade(makeRecord({ protocol: "anything/0" }), makeAgent())).toEqual([]);
    expect(checkDowngrade(makeRecord({ protocol: undefined }), makeAgent())).toEqual([]);
  });
});
