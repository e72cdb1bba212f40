// Three collector processes (`npm run collector`, each its own port) behind a
// round-robin front share one database. Held-out style traffic with every
// door verdict, replays and retries deliberately sent to different
// collectors, must leave exactly what one collector leaves given the same
// requests one after another: the same verdict on every record, no duplicate,
// no acknowledged record lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { spawnReady, type ReadyChild } from "../../../lib/process/spawn-ready.ts";
import { startRoundRobinFront, type RoundRobinFront } from "../../../lib/process/round-robin-front.ts";
import { createPrisma } from "../../../lib/db/prisma.ts";
import { loadRegistrySnapshot, putContract, registerAgent } from "../../../lib/registry/service.ts";
import { startCollector as startCollectorServer, type Collector } from "../../../lib/collector/server.ts";
import { createPool } from "../../../lib/db/ingest-store.ts";
import type { WireRecord } from "../../../lib/protocol/record.ts";
import { signRecord } from "../../../lib/protocol/sign.ts";
import { privateKeyFromSeed } from "../../../lib/protocol/keys.ts";
import { makeRecord } from "../../fixtures/records.ts";
import { agentEntry, contractInput, testKey, testRegistrar } from "../../fixtures/registry-entries.ts";
import { encodeSpanned, postBody, spanned, type Spanned } from "../../helpers/span-bodies.ts";
import { createTestDatabase, type TestDatabase } from "../../helpers/database.ts";

const TOKEN = "three-collectors-key-0123456789";
const registrar = testRegistrar();
const PENDING_WAIT_MS = 2_000;

let shared: TestDatabase;
let single: TestDatabase;
let dataDir: string;
const children: ReadyChild[] = [];
let collectors: string[] = [];
let reference: string;
let front: RoundRobinFront;

async function registerAll(url: string): Promise<void> {
  const prisma = createPrisma(url);
  const config = { registrars: registrar.registrars, allowUnattested: false };
  await putContract(prisma, "default", contractInput("PriceQuote"));
  await registerAgent(prisma, "default", registrar.attest(agentEntry("gateway", { kind: "gateway", capabilities: [], memory: { read: [], write: [] } })), config, "test");
  await registerAgent(prisma, "default", registrar.attest(agentEntry("monitor", { capabilities: [{ intent: "PriceQuote", to: ["recommender"] }] })), config, "test");
  await registerAgent(
    prisma,
    "default",
    registrar.attest(agentEntry("recommender", { capabilities: [{ intent: "PriceQuote", to: ["executor"] }, { intent: "place_order", to: [] }] })),
    config,
    "test",
  );
  // Registered but never attested by the registrar.
  await registerAgent(prisma, "default", agentEntry("shadow", { capabilities: [{ intent: "PriceQuote", to: ["recommender"] }] }), config, "test");
  await prisma.$disconnect();
}

async function startCollector(url: string): Promise<string> {
  const c = await spawnReady("scripts/collector.ts", {
    env: {
      DATABASE_URL: url,
      FIREBREAK_TOKEN: TOKEN,
      FIREBREAK_DATA_DIR: dataDir,
      FIREBREAK_COLLECTOR_PORT: "0",
      FIREBREAK_COLLECTOR_HOST: "127.0.0.1",
      FIREBREAK_VERIFY_WORKERS: "1",
      FIREBREAK_PENDING_WAIT_MS: String(PENDING_WAIT_MS),
      FIREBREAK_ALLOW_UNATTESTED: "false",
      FIREBREAK_REGISTRARS: JSON.stringify(Object.fromEntries(registrar.registrars)),
      FIREBREAK_WEBHOOKS: "off",
    },
  });
  children.push(c);
  return `http://127.0.0.1:${c.value}`;
}

// The single collector whose answers are the truth: in this process, same
// settings, same registry (read from its own database), requests one at a time.
let referenceCollector: Collector | null = null;
let referencePool: pg.Pool | null = null;
let referencePrisma: ReturnType<typeof createPrisma> | null = null;
async function startReference(url: string): Promise<string> {
  referencePool = createPool(url, 4);
  referencePrisma = createPrisma(url);
  const prisma = referencePrisma;
  const config = { registrars: registrar.registrars, allowUnattested: false };
  referenceCollector = await startCollectorServer({
    settings: { port: 0, host: "127.0.0.1", maxBodyBytes: 4 << 20, skewMs: 300_000, pendingWaitMs: PENDING_WAIT_MS, workers: 1, maxInflight: 8, ingestKeys: [TOKEN] },
    pool: referencePool,
    loadSnapshot: (project) => loadRegistrySnapshot(prisma, project, config),
  });
  return `http://127.0.0.1:${referenceCollector.port}`;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "fb-three-"));
  [shared, single] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  await Promise.all([registerAll(shared.url), registerAll(single.url)]);
  collectors = await Promise.all([startCollector(shared.url), startCollector(shared.url), startCollector(shared.url)]);
  reference = await startReference(single.url);
  front = await startRoundRobinFront(collectors);
}, 240_000);

afterAll(async () => {
  await front?.close();
  await Promise.all(children.map((c) => c.stop(5_000)));
  await referenceCollector?.close();
  await referencePool?.end();
  await referencePrisma?.$disconnect();
  await Promise.all([shared?.drop(), single?.drop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

// ------------------------------------------------------------------ traffic

const now = (offsetMs = 0): string => new Date(Date.now() + offsetMs).toISOString();
const keyOf = (name: string) => privateKeyFromSeed(testKey(name).privateKey);

function signed(over: Partial<WireRecord>, keyName = `${over.agent}-k1`): WireRecord {
  const rec = makeRecord({ timestamp: now(), ...over });
  return { ...rec, signature: signRecord(rec, keyName, keyOf(keyName)) };
}

/** One request to send: which collector of the three (or the front), and the spans. */
interface Step {
  to: "front" | 0 | 1 | 2;
  items: Spanned[];
  /** Sent at the same moment as the previous step. */
  concurrent?: boolean;
  /** Wait for every pending verdict to settle before the next step. */
  settle?: boolean;
}

function traffic(): { steps: Step[]; expect: Map<string, string[]> } {
  const expected = new Map<string, string[]>();
  const steps: Step[] = [];
  const one = (to: Step["to"], rec: WireRecord, verdicts?: string[]): Spanned => {
    const s = spanned(rec);
    steps.push({ to, items: [s] });
    if (verdicts) expected.set(rec.id, verdicts);
    return s;
  };
  const request = signed({ kind: "request", agent: "gateway", to: undefined, intent: "buy", payload: '{"text":"restock A-1"}' });
  one("front", request, ["verified"]);
  const quote = (over: Partial<WireRecord> = {}, key?: string): WireRecord =>
    signed({ agent: "monitor", to: ["recommender"], intent: "PriceQuote", protocol: "a2a/0.3", payload: '{"sku":"A-1","unit_price":12.5,"currency":"EUR"}', parents: [request.id], authority: [request.id], ...over }, key);

  one("front", quote(), ["verified"]);
  // forged: the payload changed after signing
  const forged = quote();
  one("front", { ...forged, payload: '{"sku":"A-1","unit_price":125,"currency":"EUR"}' }, ["bad_signature"]);
  // spoof: claims to be monitor, signed with recommender's key under monitor's key id
  const spoofBase = makeRecord({ agent: "monitor", to: ["recommender"], intent: "PriceQuote", protocol: "a2a/0.3", payload: '{"sku":"A-1","unit_price":12.5,"currency":"EUR"}', parents: [request.id], authority: [request.id], timestamp: now() });
  one("front", { ...spoofBase, signature: signRecord(spoofBase, "monitor-k1", keyOf("recommender-k1")) }, ["bad_signature"]);
  one("front", quote({ agent: "impostor" }, "impostor-k1"), undefined);
  one("front", quote({ agent: "shadow" }, "shadow-k1"), undefined);
  // replay: the original at collector 0, the copy at collector 1
  const original = quote();
  one(0, original, ["verified"]);
  one(1, quote({ nonce: original.nonce }), undefined);
  // two copies at once, at collectors 1 and 2, after an original at collector 2
  const second = quote();
  one(2, second, ["verified"]);
  one(0, quote({ nonce: second.nonce }), undefined);
  steps.push({ to: 1, items: [spanned(quote({ nonce: second.nonce }))], concurrent: true });
  // skew
  one("front", quote({ timestamp: now(-10 * 60_000) }), undefined);
  one("front", quote({ timestamp: now(10 * 60_000) }), undefined);
  // contract
  one("front", quote({ payload: '{"sku":"A-1","unit_price":"cheap","currency":"EUR"}' }), undefined);
  one("front", quote({ intent: "Gossip" }), undefined);
  // capability and downgrade
  one("front", quote({ to: ["executor"] }), undefined);
  one("front", quote({ protocol: "a2a/0.2" }), undefined);
  // broken authority: an action with no human request behind it
  one("front", signed({ kind: "action", agent: "recommender", to: undefined, intent: "place_order", class: "red", payload: "{}", parents: [], authority: [] }), undefined);
  // pending, then settled by a parent that arrives at another collector
  const parent = quote();
  const child = signed({ agent: "recommender", to: ["executor"], intent: "PriceQuote", protocol: "a2a/0.3", payload: '{"sku":"A-1","unit_price":13,"currency":"EUR"}', parents: [parent.id], authority: [request.id] });
  one(0, child, undefined);
  one(1, parent, ["verified"]);
  // pending that never resolves
  one(2, signed({ agent: "recommender", to: ["executor"], intent: "PriceQuote", protocol: "a2a/0.3", payload: '{"sku":"A-1","unit_price":13,"currency":"EUR"}', parents: ["never-sent"], authority: [request.id] }), undefined);
  // a batch retried to a different collector, and the same batch at two collectors at once
  const batch = Array.from({ length: 5 }, () => spanned(quote()));
  steps.push({ to: 1, items: batch }, { to: 2, items: batch }, { to: 0, items: [...batch].reverse(), concurrent: true });
  // load through the front: every acknowledged record must be stored
  for (let i = 0; i < 12; i++) steps.push({ to: "front", items: Array.from({ length: 20 }, () => spanned(quote())), concurrent: i > 0 });
  steps[steps.length - 1]!.settle = true;
  expected.set(child.id, ["verified"]);
  return { steps, expect: expected };
}

interface Row {
  key: string;
  verdicts: string[];
}

async function stored(url: string): Promise<Row[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ record_id: string; trace_id: string; span_id: string; verdicts: string[] }>("SELECT record_id, trace_id, span_id, verdicts FROM records");
    return r.rows.map((x) => ({ key: `${x.record_id} ${x.trace_id}/${x.span_id}`, verdicts: [...x.verdicts].sort() })).sort((a, b) => (a.key < b.key ? -1 : 1));
  } finally {
    await c.end();
  }
}

async function pendingLeft(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>("SELECT count(*)::text AS n FROM records WHERE cardinality(pending_on) > 0")).rows[0]!.n);
  } finally {
    await c.end();
  }
}

/** As an exporter does: 429 and 503 are retried after a pause, anything else but 200 fails the test. */
async function send(url: string, bytes: Uint8Array): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const status = await postBody(url, TOKEN, bytes);
    if (status === 200) return;
    if ((status !== 429 && status !== 503) || attempt >= 100) throw new Error(`${url} answered ${status} (attempt ${attempt})`);
    await new Promise((r) => setTimeout(r, 50 * Math.min(attempt, 10)));
  }
}

async function play(steps: Step[], target: (to: Step["to"]) => string, url: string): Promise<Set<string>> {
  const acknowledged = new Set<string>();
  let group: Promise<void>[] = [];
  for (const step of steps) {
    if (!step.concurrent) {
      await Promise.all(group);
      group = [];
    }
    const bytes = encodeSpanned(step.items);
    group.push(
      send(`${target(step.to)}/v1/traces`, bytes).then(() => {
        for (const s of step.items) acknowledged.add(`${s.rec.id} ${s.traceId}/${s.spanId}`);
      }),
    );
    if (step.settle) {
      await Promise.all(group);
      group = [];
      await expect.poll(() => pendingLeft(url), { timeout: PENDING_WAIT_MS * 10, interval: 200 }).toBe(0);
    }
  }
  await Promise.all(group);
  await expect.poll(() => pendingLeft(url), { timeout: PENDING_WAIT_MS * 10, interval: 200 }).toBe(0);
  return acknowledged;
}

describe("three collectors behind a round-robin front, one database", () => {
  it("store exactly what one collector stores: every verdict, no duplicate, nothing acknowledged lost", async () => {
    const { steps, expect: known } = traffic();
    const ackShared = await play(steps, (to) => (to === "front" ? front.url : collectors[to]!), shared.url);
    const ackSingle = await play(steps, () => reference, single.url);

    const many = await stored(shared.url);
    const one = await stored(single.url);
    expect(many).toEqual(one);
    // No record twice, nothing acknowledged missing.
    expect(new Set(many.map((r) => r.key)).size).toBe(many.length);
    const keys = new Set(many.map((r) => r.key));
    expect([...ackShared].filter((k) => !keys.has(k))).toEqual([]);
    expect(ackShared.size).toBe(ackSingle.size);
    // The front spread the load over all three.
    expect(front.counts().every((n) => n > 0)).toBe(true);

    // And the answers are the right ones, not merely the same ones.
    const byId = new Map<string, string[][]>();
    for (const r of many) byId.set(r.key.split(" ")[0]!, [...(byId.get(r.key.split(" ")[0]!) ?? []), r.verdicts]);
    for (const [id, verdicts] of known) expect(byId.get(id), id).toEqual([verdicts]);
    const all = many.flatMap((r) => r.verdicts);
    for (const v of ["bad_signature", "unknown_agent", "unattested_agent", "replay", "stale", "future", "schema_violation", "unknown_intent", "capability_violation", "downgrade", "broken_authority"]) {
      expect(all, v).toContain(v);
    }
    expect(many.filter((r) => r.verdicts.includes("replay"))).toHaveLength(3);
  }, 120_000);
});
