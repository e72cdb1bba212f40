// Overload is refused with Retry-After, never queued without bound; and any
// number of collectors on one database agree on replays.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCollector, type Collector } from "../../../lib/collector/server.ts";
import { makeSignedRecord } from "../../fixtures/records.ts";
import { makeAgent, makeSnapshot } from "../../fixtures/registry.ts";
import { exportSpans, exporterFor, spansFor } from "../../helpers/otlp-client.ts";
import { encodeRecordsForTest } from "../../helpers/encode-records.ts";
import { createProject } from "../../../lib/db/projects-store.ts";
import { createToken } from "../../../lib/db/tokens-store.ts";
import { startHarness, TOKEN, type Harness } from "./collector-harness.ts";
import type { HeapReport } from "../../../lib/process/heap-watch.ts";

const agent = makeAgent({ id: "agent-a", capabilities: [{ intent: "*", to: ["*"] }] });
const snapshot = makeSnapshot([agent], { allowUnattested: false });

describe("overload", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ maxInflight: 1, workers: 1 }, snapshot);
  });
  afterAll(async () => h.close());

  it("answers 429 with Retry-After past the in-flight limit, and acknowledges only what it stored", async () => {
    const bodies = Array.from({ length: 12 }, () =>
      encodeRecordsForTest(Array.from({ length: 200 }, () => makeSignedRecord({ timestamp: new Date().toISOString() }))),
    );
    const results = await Promise.all(
      bodies.map(async (body) => {
        const res = await fetch(h.url, { method: "POST", body: new Uint8Array(body), headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/x-protobuf" } });
        await res.arrayBuffer();
        return { status: res.status, retryAfter: res.headers.get("retry-after") };
      }),
    );
    const refused = results.filter((r) => r.status === 429);
    const ok = results.filter((r) => r.status === 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(0);
    for (const r of refused) expect(Number(r.retryAfter)).toBeGreaterThan(0);
    expect(await h.count("records")).toBe(ok.length * 200);
    const metrics = await (await fetch(h.url.replace("/v1/traces", "/metrics"), { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const refusedForRequests = Number(/firebreak_ingest_refused_total\{project="default",reason="requests"\} (\d+)/.exec(metrics)?.[1]);
    expect(refusedForRequests).toBe(refused.length);
    expect(metrics).toMatch(/firebreak_ingest_inflight_bytes 0/);
    expect(metrics).toMatch(/firebreak_ingest_database_writable 1/);
  });

  it("says in the OTLP error body why and what to do", async () => {
    const body = encodeRecordsForTest(Array.from({ length: 400 }, () => makeSignedRecord({ timestamp: new Date().toISOString() })));
    const answers = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const res = await fetch(h.url, { method: "POST", body: new Uint8Array(body), headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" } });
        return { status: res.status, body: await res.text() };
      }),
    );
    // JSON bodies are not valid OTLP here (protobuf bytes): whatever was admitted is refused as 400; the rest are 429 with a Status.
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(JSON.parse(r.body)).toEqual({ code: 8, message: expect.stringMatching(/at capacity.*not read; retry after the delay in Retry-After/) });
  });
});

describe("several collectors, one database", () => {
  let h: Harness;
  let second: Collector;
  beforeAll(async () => {
    h = await startHarness({}, snapshot);
    second = await startCollector({
      settings: { port: 0, host: "127.0.0.1", maxBodyBytes: 4 << 20, skewMs: 300_000, pendingWaitMs: 1_000, workers: 1, maxInflight: 8, ingestKeys: [TOKEN] },
      pool: h.pool,
      loadSnapshot: async () => snapshot,
    });
  });
  afterAll(async () => {
    await second.close();
    await h.close();
  });

  it("holds replay detection across collectors: one original, the rest replays", async () => {
    const original = makeSignedRecord({ timestamp: new Date().toISOString() });
    const copies = Array.from({ length: 6 }, () => makeSignedRecord({ timestamp: new Date().toISOString(), nonce: original.nonce }));
    const urls = [h.url, `http://127.0.0.1:${second.port}/v1/traces`];
    await Promise.all(
      [original, ...copies].map(async (rec, i) => {
        const exporter = exporterFor(urls[i % 2]!, TOKEN);
        const r = await exportSpans(exporter, spansFor([rec]));
        await exporter.shutdown();
        expect(r.ok).toBe(true);
      }),
    );
    const rows = await h.records("agent = 'agent-a'");
    expect(rows).toHaveLength(7);
    expect(rows.filter((r) => !r.verdicts.includes("replay"))).toHaveLength(1);
    expect(rows.filter((r) => r.verdicts.includes("replay"))).toHaveLength(6);
  });
});

describe("health", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, snapshot);
  });
  afterAll(async () => h.close());

  it("answers liveness to anyone and its counters only to an ingest key", async () => {
    const health = h.url.replace("/v1/traces", "/healthz");
    expect(await (await fetch(health)).json()).toEqual({ status: "ok" });
    const exporter = exporterFor(h.url, TOKEN);
    expect((await exportSpans(exporter, spansFor([makeSignedRecord({ timestamp: new Date().toISOString() })]))).ok).toBe(true);
    await exporter.shutdown();
    const full = (await (await fetch(health, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { records: number; batches: number; memory: { rssBytes: number; heap: HeapReport } };
    expect(full.records).toBe(1);
    expect(full.batches).toBe(1);
    // The process's memory, and what the main thread's heap holds (null until its first full collection).
    expect(full.memory.rssBytes).toBeGreaterThan(full.memory.heap.usedBytes);
    expect(full.memory.heap.limitBytes).toBeGreaterThan(full.memory.heap.usedBytes);
    expect(full.memory.heap.liveBytes === null || full.memory.heap.liveBytes < full.memory.heap.limitBytes).toBe(true);
  });

  it("shows a project's ingest key its own project's counters only, and the configured key every project's", async () => {
    const health = h.url.replace("/v1/traces", "/healthz");
    const admin = { actor: "admin (bearer)", userId: null, role: "admin" as const, project: "default" };
    await createProject(h.pool, { id: "beta", name: "Beta" }, admin.actor);
    const beta = await createToken(h.pool, { name: "beta exporters", scope: "ingest", environment: "" }, { ...admin, project: "beta" });
    const before = (await (await fetch(health, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { records: number };
    const exporter = exporterFor(h.url, beta.token);
    expect((await exportSpans(exporter, spansFor([1, 2, 3].map(() => makeSignedRecord({ timestamp: new Date().toISOString() }))))).ok).toBe(true);
    await exporter.shutdown();

    const mine = (await (await fetch(health, { headers: { authorization: `Bearer ${beta.token}` } })).json()) as Record<string, unknown>;
    expect(mine).toMatchObject({ status: "ok", project: "beta", batches: 1, records: 3, refused: 0 });
    // Nothing of the instance or of another tenant: no totals, no other project, no load, no engine.
    expect(Object.keys(mine).sort()).toEqual(["batches", "database", "project", "records", "refused", "refusedBy", "rejectedSpans", "since", "spans", "status", "verdicts"]);

    const all = (await (await fetch(health, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { records: number; projects: Record<string, { records: number }> };
    expect(all.records).toBe(before.records + 3);
    expect(all.projects.beta?.records).toBe(3);
    expect(all.projects.default?.records).toBe(before.records);
  });
});
