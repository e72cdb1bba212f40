import { describe, expect, it } from "vitest";
import { BoundedLabel, OTHER } from "@/lib/metrics/bounded-labels.ts";
import { cached } from "@/lib/metrics/cached.ts";
import { mayReadMetrics, metricsAccess } from "@/lib/metrics/metrics-access.ts";
import { integrationsConfig } from "@/lib/config/integrations-config.ts";

describe("bounded labels", () => {
  it("keeps the first values and folds the rest, and anything not an identifier, into `other`", () => {
    const l = new BoundedLabel(2);
    expect([l.of("message"), l.of("action"), l.of("state_write"), l.of("message")]).toEqual(["message", "action", OTHER, "message"]);
    expect(new BoundedLabel(5).of('bad"label\n')).toBe(OTHER);
    expect(new BoundedLabel(5).of("x".repeat(65))).toBe(OTHER);
    expect(new BoundedLabel(5).of("")).toBe(OTHER);
  });
});

describe("cached reads", () => {
  it("reads once per period, shares a read in flight, and does not cache failures", async () => {
    let t = 0;
    let reads = 0;
    let fail = false;
    const c = cached(async () => {
      reads++;
      if (fail) throw new Error("db down");
      return reads;
    }, 5_000, () => t);
    const [a, b] = await Promise.all([c.get(), c.get()]);
    expect([a.value, b.value, reads]).toEqual([1, 1, 1]);
    t = 4_999;
    expect((await c.get()).value).toBe(1);
    t = 5_000;
    fail = true;
    await expect(c.get()).rejects.toThrow("db down");
    fail = false;
    expect((await c.get()).value).toBe(3);
    expect(reads).toBe(3);
  });
});

describe("who may read /metrics", () => {
  const config = integrationsConfig({ FIREBREAK_METRICS_TOKEN: "metrics-token-0123456789" });
  const access = metricsAccess(config, "admin-token-0123456789");

  it("needs the metrics token or the admin token by default", () => {
    expect(mayReadMetrics(access, undefined)).toBe(false);
    expect(mayReadMetrics(access, "Bearer wrong")).toBe(false);
    expect(mayReadMetrics(access, "Basic bWV0cmljcw==")).toBe(false);
    expect(mayReadMetrics(access, "Bearer metrics-token-0123456789")).toBe(true);
    expect(mayReadMetrics(access, "bearer admin-token-0123456789")).toBe(true);
  });

  it("is open with FIREBREAK_METRICS_PUBLIC=true", () => {
    const open = metricsAccess(integrationsConfig({ FIREBREAK_METRICS_PUBLIC: "true" }), "admin-token-0123456789");
    expect(mayReadMetrics(open, undefined)).toBe(true);
  });

  it("rejects bad settings with what to fix", () => {
    expect(() => integrationsConfig({ FIREBREAK_METRICS_PUBLIC: "yes" })).toThrow(/FIREBREAK_METRICS_PUBLIC: must be true or false/);
    expect(() => integrationsConfig({ FIREBREAK_METRICS_TOKEN: "short" })).toThrow(/FIREBREAK_METRICS_TOKEN: must be at least 16 characters/);
    expect(() => integrationsConfig({ FIREBREAK_PUBLIC_URL: "ftp://x" })).toThrow(/FIREBREAK_PUBLIC_URL/);
    expect(integrationsConfig({}).FIREBREAK_METRICS_CACHE_MS).toBe(5_000);
  });
});
