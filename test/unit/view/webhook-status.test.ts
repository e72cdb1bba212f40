import { describe, expect, it } from "vitest";
import { attemptLine, attemptTone, deliveryBadge, formatLatency } from "@/lib/view/webhook-status.ts";

describe("webhook status words", () => {
  it("names every delivery status with a tone, and a never-tried one Queued", () => {
    expect(deliveryBadge("delivered")).toEqual({ label: "Delivered", tone: "ok" });
    expect(deliveryBadge("pending", 2)).toEqual({ label: "Retrying", tone: "info" });
    expect(deliveryBadge("pending", 0)).toEqual({ label: "Queued", tone: "info" });
    expect(deliveryBadge("failed")).toEqual({ label: "Failed", tone: "bad" });
    expect(deliveryBadge("cancelled")).toEqual({ label: "Cancelled", tone: "neutral" });
    expect(deliveryBadge("paused")).toEqual({ label: "Paused", tone: "neutral" });
  });

  it("writes an attempt as number, status or error, and latency", () => {
    expect(attemptLine({ attempt: 1, statusCode: 500, latencyMs: 12.4, error: "HTTP 500" })).toBe("#1 HTTP 500 · 12 ms");
    expect(attemptLine({ attempt: 2, statusCode: null, latencyMs: 10_000, error: "timed out after 10000 ms" })).toBe("#2 timed out after 10000 ms · 10 s");
    expect(attemptLine({ attempt: 3, statusCode: null, latencyMs: 5, error: null })).toBe("#3 no answer · 5 ms");
    expect(attemptTone({ statusCode: 204 })).toBe("ok");
    expect(attemptTone({ statusCode: 302 })).toBe("bad");
    expect(attemptTone({ statusCode: null })).toBe("bad");
    expect(formatLatency(1_500)).toBe("1.5 s");
    expect(formatLatency(Number.NaN)).toBe("?");
    expect(formatLatency(-1)).toBe("?");
  });
});
