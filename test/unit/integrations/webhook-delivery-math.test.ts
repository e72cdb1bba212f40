import { describe, expect, it } from "vitest";
import { backoffDelayMs, backoffSchedule, DEFAULT_BACKOFF } from "@/lib/integrations/webhooks/backoff.ts";
import { signatureHeader, verifySignature } from "@/lib/integrations/webhooks/signature.ts";
import { checkWebhookUrl, redactUrl } from "@/lib/integrations/webhooks/webhook-url.ts";
import { createHmac } from "node:crypto";

describe("signature", () => {
  const secret = "whsec_test-secret-0123456789";
  const body = '{"type":"breaker.tripped"}';

  it("is t=<seconds>,v1=<hex HMAC-SHA256 of `${t}.${body}`>", () => {
    const header = signatureHeader(secret, body, 1_765_000_000);
    const expected = createHmac("sha256", secret).update(`1765000000.${body}`).digest("hex");
    expect(header).toBe(`t=1765000000,v1=${expected}`);
    expect(verifySignature(secret, body, header, 1_765_000_100)).toEqual({ ok: true });
  });

  it("refuses a changed body, a wrong secret, an old timestamp and a malformed header", () => {
    const header = signatureHeader(secret, body, 1_765_000_000);
    expect(verifySignature(secret, `${body} `, header, 1_765_000_000)).toEqual({ ok: false, reason: "signature does not match the body" });
    expect(verifySignature("another-secret-0123456", body, header, 1_765_000_000).ok).toBe(false);
    expect(verifySignature(secret, body, header, 1_765_000_000 + 301)).toEqual({ ok: false, reason: "timestamp 1765000000 is more than 300s from now" });
    expect(verifySignature(secret, body, null, 0).ok).toBe(false);
    expect(verifySignature(secret, body, "v1=abcd", 0)).toEqual({ ok: false, reason: "no t= timestamp in the signature header" });
    expect(verifySignature(secret, body, "t=1765000000", 1_765_000_000)).toEqual({ ok: false, reason: "no v1= signature in the signature header" });
    expect(verifySignature(secret, body, "t=1765000000,v1=zz", 1_765_000_000).ok).toBe(false);
  });

  it("accepts the header when one of several v1 signatures matches (secret rotation)", () => {
    const good = signatureHeader(secret, body, 100);
    expect(verifySignature(secret, body, `t=100,v1=${"0".repeat(64)},${good.split(",")[1]}`, 100)).toEqual({ ok: true });
  });
});

describe("backoff", () => {
  const policy = { baseMs: 1_000, capMs: 60_000, maxAttempts: 10 };

  it("doubles from the base up to the cap, without jitter at random = 1", () => {
    expect(backoffSchedule(policy)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(backoffSchedule(DEFAULT_BACKOFF)).toHaveLength(DEFAULT_BACKOFF.maxAttempts - 1);
  });

  it("jitters within [half, full] of the schedule", () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(2_000);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(3_000);
    expect(backoffDelayMs(3, policy, () => 0.999999)).toBe(4_000);
    // Seeded sweep: never below half, never above the schedule.
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let n = 1; n <= 12; n++) {
      const full = Math.min(policy.capMs, policy.baseMs * 2 ** (n - 1));
      for (let i = 0; i < 50; i++) {
        const d = backoffDelayMs(n, policy, rnd);
        expect(d).toBeGreaterThanOrEqual(full / 2);
        expect(d).toBeLessThanOrEqual(full);
      }
    }
  });

  it("stays finite for absurd attempt numbers and odd randoms", () => {
    expect(backoffDelayMs(10_000, policy, () => 1)).toBe(60_000);
    expect(backoffDelayMs(0, policy, () => 1)).toBe(1_000);
    expect(backoffDelayMs(2, policy, () => Number.NaN)).toBeGreaterThanOrEqual(1_000);
    expect(backoffDelayMs(2, policy, () => 5)).toBe(2_000);
  });
});

describe("webhook URLs", () => {
  it("accepts http and https, normalized", () => {
    expect(checkWebhookUrl(" https://hooks.example.com/a?b=1 ")).toEqual({ ok: true, url: "https://hooks.example.com/a?b=1" });
    expect(checkWebhookUrl("http://10.0.0.5:8080/alerts")).toEqual({ ok: true, url: "http://10.0.0.5:8080/alerts" });
  });

  it("refuses other schemes, credentials, fragments and junk, saying what to fix", () => {
    expect(checkWebhookUrl("ftp://example.com/x")).toEqual({ ok: false, reason: "only http and https URLs are allowed, not ftp" });
    expect(checkWebhookUrl("javascript:alert(1)").ok).toBe(false);
    expect(checkWebhookUrl("file:///etc/passwd").ok).toBe(false);
    const creds = checkWebhookUrl("https://user:pass@example.com/hook");
    expect(creds.ok).toBe(false);
    expect(!creds.ok && creds.reason).toMatch(/remove the user name and password/);
    expect(checkWebhookUrl("https://token@example.com/hook").ok).toBe(false);
    expect(checkWebhookUrl("https://example.com/hook#x").ok).toBe(false);
    expect(checkWebhookUrl("not a url").ok).toBe(false);
    expect(checkWebhookUrl("").ok).toBe(false);
  });

  it("redacts past the first path segment, where Slack keeps its token", () => {
    expect(redactUrl("https://hooks.slack.com/services/T000/B000/XXXXSECRET")).toBe("https://hooks.slack.com/services/…");
    expect(redactUrl("https://example.com/hook?token=abc")).toBe("https://example.com/hook/…");
    expect(redactUrl("https://example.com/hook")).toBe("https://example.com/hook");
    expect(redactUrl("http://127.0.0.1:9000/")).toBe("http://127.0.0.1:9000/");
  });
});
