import { describe, expect, it } from "vitest";
import { generateApiToken } from "@/lib/accounts/api-token.ts";
import { IngestKeys } from "@/lib/collector/ingest-keys.ts";

const STATIC = "static-ingest-key-0123456789";

function setup(ttlMs = 5_000) {
  let now = 1_000_000;
  const live = new Set<string>();
  const lookups: string[] = [];
  const keys = new IngestKeys(
    [STATIC],
    async (hash) => {
      lookups.push(hash);
      return live.has(hash) ? "default" : null;
    },
    ttlMs,
    () => now,
  );
  return { keys, live, lookups, advance: (ms: number) => (now += ms) };
}

describe("IngestKeys", () => {
  it("accepts the configured keys without asking the database", async () => {
    const { keys, lookups } = setup();
    expect(await keys.allows(`Bearer ${STATIC}`)).toBe(true);
    expect(await keys.allows(`bearer ${STATIC}`)).toBe(true);
    expect(await keys.allows(`Bearer ${STATIC}x`)).toBe(false);
    expect(await keys.allows(undefined)).toBe(false);
    expect(await keys.allows(`Basic ${STATIC}`)).toBe(false);
    expect(lookups).toEqual([]);
  });

  it("accepts a live ingest token and caches the answer for the TTL", async () => {
    const { keys, live, lookups, advance } = setup();
    const t = generateApiToken();
    live.add(t.hash);
    expect(await keys.allows(`Bearer ${t.token}`)).toBe(true);
    expect(await keys.allows(`Bearer ${t.token}`)).toBe(true);
    expect(lookups).toHaveLength(1);
    // Revoked: still accepted from the cache until the TTL passes, then refused.
    live.delete(t.hash);
    advance(4_999);
    expect(await keys.allows(`Bearer ${t.token}`)).toBe(true);
    advance(2);
    expect(await keys.allows(`Bearer ${t.token}`)).toBe(false);
    expect(lookups).toHaveLength(2);
  });

  it("asks once for concurrent requests with the same token", async () => {
    const { keys, live, lookups } = setup();
    const t = generateApiToken();
    live.add(t.hash);
    const answers = await Promise.all(Array.from({ length: 20 }, () => keys.allows(`Bearer ${t.token}`)));
    expect(answers.every(Boolean)).toBe(true);
    expect(lookups).toHaveLength(1);
  });

  it("never asks the database about strings that are not API tokens", async () => {
    const { keys, lookups } = setup();
    expect(await keys.allows("Bearer fbk_not-an-api-token")).toBe(false);
    expect(lookups).toEqual([]);
  });

  it("refuses, without caching, when the database cannot answer", async () => {
    let calls = 0;
    const keys = new IngestKeys([], async () => {
      calls++;
      if (calls === 1) throw new Error("connection refused");
      return "default";
    });
    const t = generateApiToken();
    expect(await keys.allows(`Bearer ${t.token}`)).toBe(false);
    expect(await keys.allows(`Bearer ${t.token}`)).toBe(true);
  });
});

describe("ingest keys when the database cannot answer", () => {
  it("says unknown rather than refused, so the collector answers 503 and not 401", async () => {
    const keys = new IngestKeys(["static-key-0123456789"], async () => {
      throw new Error("connection refused");
    });
    const t = generateApiToken();
    expect(await keys.grant(`Bearer ${t.token}`)).toBe("unknown");
    expect(await keys.grant("Bearer static-key-0123456789")).toEqual({ project: "default", fixed: false });
    expect(await keys.grant("Bearer wrong")).toBe("refused");
  });
});
