// Ingest keys made on the admin screen are ingest-scoped API tokens in the
// database: the collector accepts them beside the configured keys, refuses
// other scopes, and stops accepting a revoked one within its cache TTL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, revokeToken } from "../../../lib/db/tokens-store.ts";
import { encodeRequest, makeRequest, makeSpan } from "../../unit/otlp/fixtures.ts";
import { startHarness, TOKEN, type Harness } from "./collector-harness.ts";

const TTL_MS = 300;
const caller = { actor: "admin (bearer)", userId: null, role: "admin" as const, project: "default" };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ ingestTokenTtlMs: TTL_MS });
});
afterAll(async () => h.close());

async function post(key: string): Promise<number> {
  const res = await fetch(h.url, {
    method: "POST",
    body: new Uint8Array(encodeRequest(makeRequest([makeSpan()]), "protobuf")),
    headers: { authorization: `Bearer ${key}`, "content-type": "application/x-protobuf" },
  });
  await res.arrayBuffer();
  return res.status;
}

describe("ingest-scoped API tokens at the collector", () => {
  it("accepts an ingest key per environment beside the configured key", async () => {
    const prod = await createToken(h.pool, { name: "prod exporters", scope: "ingest", environment: "prod" }, caller);
    const staging = await createToken(h.pool, { name: "staging exporters", scope: "ingest", environment: "staging" }, caller);
    expect(await post(TOKEN)).toBe(200);
    expect(await post(prod.token)).toBe(200);
    expect(await post(staging.token)).toBe(200);
    const used = await h.pool.query<{ last_used_at: Date | null }>("SELECT last_used_at FROM api_tokens WHERE id = $1", [prod.item.id]);
    expect(used.rows[0]!.last_used_at).not.toBeNull();
  });

  it("refuses read and control tokens: they are for /api/v1, not for sending records", async () => {
    const read = await createToken(h.pool, { name: "reader", scope: "read", environment: "" }, caller);
    const control = await createToken(h.pool, { name: "pager", scope: "control", environment: "" }, caller);
    expect(await post(read.token)).toBe(401);
    expect(await post(control.token)).toBe(401);
    expect(await post(`fbt_${"B".repeat(43)}`)).toBe(401);
  });

  it("stops accepting a revoked key within the cache TTL", async () => {
    const t = await createToken(h.pool, { name: "to revoke", scope: "ingest", environment: "dev" }, caller);
    expect(await post(t.token)).toBe(200);
    await revokeToken(h.pool, t.item.id, caller);
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 5_000) {
      await new Promise((r) => setTimeout(r, 50));
      status = await post(t.token);
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(TTL_MS + 1_000);
  });
});
