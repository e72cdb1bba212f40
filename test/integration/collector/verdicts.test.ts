// Every verdict, produced end to end: real OTLP exporters -> a running
// collector -> a real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WireRecord } from "../../../lib/protocol/record.ts";
import { signRecord } from "../../../lib/protocol/sign.ts";
import { makeKeyPair } from "../../fixtures/keys.ts";
import { makeRecord, makeSignedRecord } from "../../fixtures/records.ts";
import { makeAgent, makeAgentKey, makeContract, makeSnapshot } from "../../fixtures/registry.ts";
import { sendRecords } from "../../helpers/otlp-client.ts";
import { startHarness, TOKEN, type Harness } from "./collector-harness.ts";

const now = (offsetMs = 0): string => new Date(Date.now() + offsetMs).toISOString();

const gateway = makeAgent({ id: "gateway", kind: "gateway" });
const approver = makeAgent({ id: "approver.alice", kind: "approver" });
const monitor = makeAgent({
  id: "price-monitor",
  capabilities: [{ intent: "PriceQuote", to: ["recommender"] }],
  protocols: { a2a: "0.3" },
  memory: { read: ["feeds/*"], write: [] },
});
const recommender = makeAgent({
  id: "recommender",
  capabilities: [
    { intent: "OrderRequest", to: ["executor"] },
    { intent: "place_order", to: [] },
  ],
});
const unattested = makeAgent({ id: "shadow", attested: false, capabilities: [{ intent: "PriceQuote", to: ["recommender"] }] });
const rotated = makeAgent({
  id: "rotated",
  keys: [makeAgentKey(makeKeyPair("rotated"), { notAfter: new Date(Date.now() - 3_600_000) })],
  capabilities: [{ intent: "PriceQuote", to: ["recommender"] }],
});
const priceQuote = makeContract("PriceQuote", {
  type: "object",
  required: ["sku", "unit_price", "currency"],
  properties: { sku: { type: "string" }, unit_price: { type: "number" }, currency: { type: "string" } },
});
const orderRequest = makeContract("OrderRequest", { type: "object" });

let h: Harness;
let request: WireRecord;

beforeAll(async () => {
  h = await startHarness({}, makeSnapshot([gateway, approver, monitor, recommender, unattested, rotated], { contracts: [priceQuote, orderRequest] }));
  request = makeSignedRecord({ kind: "request", agent: "gateway", to: undefined, intent: "buy", payload: '{"text":"restock A-1"}', timestamp: now() });
  await sendRecords(h.url, TOKEN, [request]);
});
afterAll(async () => h.close());

const quote = (over: Partial<WireRecord> = {}): Partial<WireRecord> => ({
  agent: "price-monitor",
  to: ["recommender"],
  intent: "PriceQuote",
  protocol: "a2a/0.3",
  payload: '{"sku":"A-1","unit_price":12.5,"currency":"EUR"}',
  parents: [request.id],
  authority: [request.id],
  timestamp: now(),
  ...over,
});

async function verdictsOf(rec: WireRecord, encoding: "protobuf" | "json" = "protobuf"): Promise<string[]> {
  await sendRecords(h.url, TOKEN, [rec], encoding);
  const rows = await h.records("record_id = $1", [rec.id]);
  expect(rows).toHaveLength(1);
  return rows[0]!.verdicts;
}

describe("verdicts at the door", () => {
  it("verifies a well-formed chain: request -> message -> action", async () => {
    expect((await h.records("record_id = $1", [request.id])).map((r) => r.verdicts)).toEqual([["verified"]]);
    const msg = makeSignedRecord(quote());
    expect(await verdictsOf(msg)).toEqual(["verified"]);
    const order = makeSignedRecord({ kind: "message", agent: "recommender", to: ["executor"], intent: "OrderRequest", payload: "{}", parents: [msg.id], authority: [request.id], timestamp: now() });
    expect(await verdictsOf(order, "json")).toEqual(["verified"]);
    const act = makeSignedRecord({ kind: "action", agent: "recommender", to: undefined, intent: "place_order", class: "red", payload: '{"qty":3}', parents: [order.id], authority: [request.id], timestamp: now() });
    expect(await verdictsOf(act)).toEqual(["verified"]);
    // The provenance graph's edges are stored in the same transaction.
    const edges = await h.pool.query<{ parent_id: string; kind: string }>(
      "SELECT parent_id, kind FROM record_edges WHERE child_id = $1 ORDER BY kind, parent_id",
      [act.id],
    );
    expect(edges.rows).toEqual([
      { parent_id: request.id, kind: "authority" },
      { parent_id: order.id, kind: "parent" },
    ]);
  });

  it("unsigned", async () => {
    expect(await verdictsOf(makeRecord(quote()))).toContain("unsigned");
  });

  it("bad_signature: a payload changed after signing", async () => {
    const rec = makeSignedRecord(quote());
    expect(await verdictsOf({ ...rec, payload: '{"sku":"A-1","unit_price":125,"currency":"EUR"}' })).toContain("bad_signature");
  });

  it("bad_signature: signed by another agent's key", async () => {
    const rec = makeRecord(quote());
    const thief = makeKeyPair("recommender", "price-monitor-key");
    expect(await verdictsOf({ ...rec, signature: signRecord(rec, thief.keyId, thief.signingKey) })).toContain("bad_signature");
  });

  it("unknown_agent", async () => {
    expect(await verdictsOf(makeSignedRecord(quote({ agent: "impostor" })))).toContain("unknown_agent");
  });

  it("unattested_agent is not verified when the registry requires attestation", async () => {
    const v = await verdictsOf(makeSignedRecord(quote({ agent: "shadow" })));
    expect(v).toContain("unattested_agent");
    expect(v).not.toContain("verified");
  });

  it("unknown_key", async () => {
    const other = makeKeyPair("price-monitor", "k-unregistered");
    expect(await verdictsOf(makeSignedRecord(quote(), other))).toContain("unknown_key");
  });

  it("expired_key", async () => {
    expect(await verdictsOf(makeSignedRecord(quote({ agent: "rotated" })))).toContain("expired_key");
  });

  it("replay: the same nonce in a different record", async () => {
    const first = makeSignedRecord(quote());
    await sendRecords(h.url, TOKEN, [first]);
    const again = makeSignedRecord(quote({ nonce: first.nonce }));
    expect(await verdictsOf(again)).toContain("replay");
    expect((await h.records("record_id = $1", [first.id]))[0]!.verdicts).toEqual(["verified"]);
  });

  it("a replayed copy sent in the same batch as a child of the original does not break the child's authority", async () => {
    const first = makeSignedRecord(quote());
    await sendRecords(h.url, TOKEN, [first]);
    // Sent again in a new span, the copy is a replay (same id and nonce); the
    // child names the id, and the verified original already stored is the parent it means.
    const child = makeSignedRecord({ kind: "message", agent: "recommender", to: ["executor"], intent: "OrderRequest", payload: "{}", parents: [first.id], authority: [request.id], timestamp: now() });
    await sendRecords(h.url, TOKEN, [first, child]);
    const copies = await h.records("record_id = $1", [first.id]);
    expect(copies.map((r) => r.verdicts).sort()).toEqual([["replay"], ["verified"]]);
    expect((await h.records("record_id = $1", [child.id]))[0]!.verdicts).toEqual(["verified"]);
  });

  it("stale and future", async () => {
    expect(await verdictsOf(makeSignedRecord(quote({ timestamp: now(-10 * 60_000) })))).toContain("stale");
    expect(await verdictsOf(makeSignedRecord(quote({ timestamp: now(10 * 60_000) })))).toContain("future");
  });

  it("unknown_intent and schema_violation with the JSON Schema path", async () => {
    expect(await verdictsOf(makeSignedRecord(quote({ intent: "Gossip" })))).toContain("unknown_intent");
    const rec = makeSignedRecord(quote({ payload: '{"sku":"A-1","unit_price":"cheap","currency":"EUR"}' }));
    await sendRecords(h.url, TOKEN, [rec]);
    const row = (await h.records("record_id = $1", [rec.id]))[0]!;
    expect(row.verdicts).toContain("schema_violation");
    expect(row.verdictDetails.find((d) => d.verdict === "schema_violation")?.detail).toContain("/unit_price");
  });

  it("capability_violation: a receiver the agent may not address", async () => {
    expect(await verdictsOf(makeSignedRecord(quote({ to: ["executor"] })))).toContain("capability_violation");
  });

  it("downgrade: a protocol older than the agent's minimum", async () => {
    expect(await verdictsOf(makeSignedRecord(quote({ protocol: "a2a/0.2" })))).toContain("downgrade");
  });

  it("memory_violation: reading outside the grants", async () => {
    const read = makeSignedRecord({ kind: "state.read", agent: "price-monitor", to: undefined, intent: "recommender/plan", payload: "{}", parents: [], authority: [request.id], timestamp: now() });
    expect(await verdictsOf(read)).toContain("memory_violation");
    const ok = makeSignedRecord({ kind: "state.read", agent: "price-monitor", to: undefined, intent: "feeds/supplier", payload: "{}", parents: [], authority: [request.id], timestamp: now() });
    expect(await verdictsOf(ok)).toEqual(["verified"]);
  });

  it("broken_authority: an action with no human request at its root", async () => {
    const act = makeSignedRecord({ kind: "action", agent: "recommender", to: undefined, intent: "place_order", class: "red", payload: "{}", parents: [], authority: [], timestamp: now() });
    expect(await verdictsOf(act)).toContain("broken_authority");
  });

  it("broken_authority: a chain rooted in a message, not a request", async () => {
    const msg = makeSignedRecord(quote());
    await sendRecords(h.url, TOKEN, [msg]);
    const act = makeSignedRecord({ kind: "action", agent: "recommender", to: undefined, intent: "place_order", class: "red", payload: "{}", parents: [msg.id], authority: [msg.id], timestamp: now() });
    expect(await verdictsOf(act)).toContain("broken_authority");
  });

  it("pending until an out-of-order parent arrives, then settled", async () => {
    const msg = makeSignedRecord(quote());
    const child = makeSignedRecord({ kind: "message", agent: "recommender", to: ["executor"], intent: "OrderRequest", payload: "{}", parents: [msg.id], authority: [request.id], timestamp: now() });
    expect(await verdictsOf(child)).toEqual(["pending"]);
    await sendRecords(h.url, TOKEN, [msg]);
    await expect.poll(async () => (await h.records("record_id = $1", [child.id]))[0]!.verdicts, { timeout: 10_000 }).toEqual(["verified"]);
  });

  it("pending that never resolves becomes broken_authority after the wait", async () => {
    const child = makeSignedRecord({ kind: "message", agent: "recommender", to: ["executor"], intent: "OrderRequest", payload: "{}", parents: ["never-sent"], authority: [request.id], timestamp: now() });
    expect(await verdictsOf(child)).toEqual(["pending"]);
    await expect.poll(async () => (await h.records("record_id = $1", [child.id]))[0]!.verdicts, { timeout: 10_000 }).toEqual(["broken_authority"]);
    const detail = (await h.records("record_id = $1", [child.id]))[0]!.verdictDetails[0]?.detail;
    expect(detail).toContain("never-sent");
  });

  it("an OTLP retry of the very same spans is idempotent, not a replay", async () => {
    const rec = makeSignedRecord(quote());
    const { spansFor, exporterFor, exportSpans } = await import("../../helpers/otlp-client.ts");
    const spans = spansFor([rec]);
    const exporter = exporterFor(h.url, TOKEN);
    expect((await exportSpans(exporter, spans)).ok).toBe(true);
    expect((await exportSpans(exporter, spans)).ok).toBe(true);
    await exporter.shutdown();
    const rows = await h.records("record_id = $1", [rec.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.verdicts).toEqual(["verified"]);
  });

  it("a registry change is picked up: a newly registered agent verifies", async () => {
    const late = makeAgent({ id: "late-joiner", capabilities: [{ intent: "PriceQuote", to: ["recommender"] }] });
    expect(await verdictsOf(makeSignedRecord(quote({ agent: "late-joiner" })))).toContain("unknown_agent");
    await h.setSnapshot(makeSnapshot([gateway, approver, monitor, recommender, unattested, rotated, late], { contracts: [priceQuote, orderRequest] }));
    expect(await verdictsOf(makeSignedRecord(quote({ agent: "late-joiner" })))).toEqual(["verified"]);
  });
});
