import { describe, expect, it } from "vitest";
import { causeLabel, edgeHref, graphStateHref, impactPhrase, incidentsHref, lineageHref } from "@/components/fleet/fleet-style.ts";
import { BREAKER_CAUSES } from "@/lib/engine/breaker/states.ts";
import { keyStatus, keyWindowPhrase } from "@/lib/view/key-window.ts";

const NOW = new Date("2026-12-05T12:00:00Z");

describe("key validity", () => {
  it("valid inside the window, expired at its end, not yet valid before its start", () => {
    expect(keyStatus(null, null, NOW)).toBe("valid");
    expect(keyStatus("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", NOW)).toBe("valid");
    expect(keyStatus(null, "2026-12-05T12:00:00Z", NOW)).toBe("expired");
    expect(keyStatus("2026-12-06T00:00:00Z", null, NOW)).toBe("not_yet_valid");
    expect(keyStatus("garbage", "also garbage", NOW)).toBe("valid");
  });
  it("says open ends in words", () => {
    const f = (s: string) => s.slice(0, 10);
    expect(keyWindowPhrase(null, null, f)).toBe("no validity window: valid until removed");
    expect(keyWindowPhrase("2026-01-01T00:00:00Z", null, f)).toBe("from 2026-01-01 with no end");
    expect(keyWindowPhrase(null, "2027-01-01T00:00:00Z", f)).toBe("always until 2027-01-01");
  });
});

describe("fleet words and links", () => {
  it("every breaker cause has words of its own; unknown causes are humanized", () => {
    const words = BREAKER_CAUSES.map(causeLabel);
    expect(new Set(words).size).toBe(BREAKER_CAUSES.length);
    expect(causeLabel("failures")).toBe("Too many failures");
    expect(causeLabel("solar_flare")).toBe("Solar flare");
    expect(causeLabel("")).toBe("Unknown cause");
  });
  it("impact with reach; unscored says so; NaN is unscored", () => {
    expect(impactPhrase(60, 4)).toBe("impact 60 · reaches 4 agents");
    expect(impactPhrase(12.345, 1)).toBe("impact 12.3 · reaches 1 agent");
    expect(impactPhrase(1200, null)).toBe("impact 1,200");
    expect(impactPhrase(null, 3)).toBe("not scored yet");
    expect(impactPhrase(Number.NaN, 3)).toBe("not scored yet");
  });
  it("links filter where they lead, with ids escaped", () => {
    expect(graphStateHref("24h", "OPEN")).toBe("/graph?breaker=OPEN");
    expect(graphStateHref("1h", "FORCED_OPEN")).toBe("/graph?window=1h&breaker=FORCED_OPEN");
    expect(incidentsHref("critical")).toBe("/incidents?status=open&severity=critical");
    expect(edgeHref("a/b", "c d")).toBe("/edges/a%2Fb/c%20d");
    expect(lineageHref("rec&1")).toBe("/lineage?record=rec%261");
  });
});
