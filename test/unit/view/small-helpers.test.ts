import { describe, expect, it } from "vitest";
import { activeNavHref } from "@/components/nav/nav-items.ts";
import { agentBadges, overviewStats } from "@/lib/view/agent-status.ts";
import { collectorEndpoint } from "@/lib/view/collector-endpoint.ts";
import { safeNextPath } from "@/lib/view/safe-next.ts";
import { DEFAULT_WINDOW_KEY, parseWindowParam, windowPhrase } from "@/lib/view/window.ts";

describe("parseWindowParam", () => {
  it("accepts the offered windows and falls back on anything else", () => {
    expect(parseWindowParam("1h")).toBe("1h");
    expect(parseWindowParam(["7d", "1h"])).toBe("7d");
    expect(parseWindowParam(undefined)).toBe(DEFAULT_WINDOW_KEY);
    expect(parseWindowParam("90d")).toBe(DEFAULT_WINDOW_KEY);
    expect(parseWindowParam("")).toBe(DEFAULT_WINDOW_KEY);
    expect(windowPhrase("1h")).toBe("in the last hour");
  });
});

describe("safeNextPath", () => {
  it.each([
    ["/records?verdict=replay", "/records?verdict=replay"],
    ["/", "/"],
    ["https://evil.example/", "/"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["/records\nSet-Cookie: x", "/"],
    ["records", "/"],
    ["/login?next=/x", "/"],
    ["/api/v1/session", "/"],
    ["", "/"],
  ])("%j -> %j", (input, out) => {
    expect(safeNextPath(input)).toBe(out);
  });

  it("takes the first of repeated values and handles absence", () => {
    expect(safeNextPath(["/records", "//evil"])).toBe("/records");
    expect(safeNextPath(null)).toBe("/");
    expect(safeNextPath(undefined, "/home")).toBe("/home");
  });
});

describe("collectorEndpoint", () => {
  it("uses the dashboard's host name with the collector port", () => {
    expect(collectorEndpoint("firebreak.internal:3000", undefined)).toBe("http://firebreak.internal:4318/v1/traces");
    expect(collectorEndpoint("localhost", "14318")).toBe("http://localhost:14318/v1/traces");
    expect(collectorEndpoint("[::1]:3000", "4318")).toBe("http://[::1]:4318/v1/traces");
  });

  it("falls back on bad input", () => {
    expect(collectorEndpoint(null, "nope")).toBe("http://localhost:4318/v1/traces");
    expect(collectorEndpoint("<script>:3000", "70000")).toBe("http://localhost:4318/v1/traces");
    expect(collectorEndpoint("[broken", undefined)).toBe("http://localhost:4318/v1/traces");
  });
});

describe("agentBadges", () => {
  it("says unregistered alone, or registered plus attested/unattested, each with a word", () => {
    expect(agentBadges({ registered: false, attested: false }).map((b) => b.label)).toEqual(["Unregistered"]);
    expect(agentBadges({ registered: true, attested: true }).map((b) => b.label)).toEqual(["Registered", "Attested"]);
    expect(agentBadges({ registered: true, attested: false }).map((b) => [b.label, b.tone])).toEqual([
      ["Registered", "neutral"],
      ["Unattested", "warn"],
    ]);
  });
});

describe("overviewStats", () => {
  it("sums the window and counts only senders as active", () => {
    const s = overviewStats([
      { registered: true, sent: 10, verified: 8 },
      { registered: false, sent: 3, verified: 0 },
      { registered: true, sent: 0, verified: 0 },
      { registered: false, sent: 0, verified: 0 },
    ]);
    expect(s).toEqual({ records: 13, verified: 8, verifiedShare: 8 / 13, activeAgents: 2, unregisteredSenders: 1 });
  });

  it("has no share for an empty window", () => {
    expect(overviewStats([]).verifiedShare).toBeNull();
  });
});

describe("activeNavHref", () => {
  it("matches / exactly and others by prefix", () => {
    expect(activeNavHref("/")).toBe("/");
    expect(activeNavHref("/records")).toBe("/records");
    expect(activeNavHref("/records/abc")).toBe("/records");
    expect(activeNavHref("/recordsx")).toBeNull();
    expect(activeNavHref("/elsewhere")).toBeNull();
  });
});
