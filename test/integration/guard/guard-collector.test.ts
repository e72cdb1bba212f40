// Guards against a real collector and a real PostgreSQL: a gateway, two
// agents and an approver sign and emit through the real OTLP/HTTP protobuf
// exporter (each guard's default BatchSpanProcessor), and the collector judges
// what arrives, against a registry built from the guards' own entries,
// attested by a registrar as in production.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuard, type Guard } from "../../../lib/guard/guard.ts";
import { LocalPolicy } from "../../../lib/guard/policy.ts";
import { GuardRefusal } from "../../../lib/guard/refusal.ts";
import { snapshotFromEntries } from "../../../lib/guard/registry-source.ts";
import type { WireRecord } from "../../../lib/protocol/record.ts";
import type { RegistrySnapshot } from "../../../lib/registry/types.ts";
import { makeKeyPair } from "../../fixtures/keys.ts";
import { testRegistrar } from "../../fixtures/registry-entries.ts";
import { startHarness, TOKEN, type Harness } from "../collector/collector-harness.ts";

const GATEWAY = "gateway";
const A = "agent-a";
const B = "agent-b";
const APPROVER = "approver.alice";

const CONTRACTS = [
  { intent: "Task", schema: { type: "object", required: ["text"], properties: { text: { type: "string" } } } },
  { intent: "Quote", schema: { type: "object", required: ["sku", "unit_price"], properties: { sku: { type: "string" }, unit_price: { type: "number" } } } },
];

let h: Harness;
let snapshot: RegistrySnapshot = { agents: new Map(), contracts: new Map(), allowUnattested: false };
const policy = new LocalPolicy();
const guards = new Map<string, Guard>();

function guard(id: string): Guard {
  const g = guards.get(id);
  if (g === undefined) throw new Error(`no guard ${id}`);
  return g;
}

interface StoredChain {
  verdicts: string[];
  authority: string[];
  parents: string[];
}

async function stored(ids: readonly string[]): Promise<Map<string, StoredChain>> {
  const r = await h.pool.query<{ record_id: string; verdicts: string[]; authority: string[]; parents: string[] }>(
    "SELECT record_id, verdicts, authority, parents FROM records WHERE record_id = ANY($1)",
    [ids],
  );
  return new Map(r.rows.map((row) => [row.record_id, { verdicts: row.verdicts, authority: row.authority, parents: row.parents }]));
}

async function recordCount(agent: string): Promise<number> {
  const r = await h.pool.query<{ n: string }>("SELECT count(*)::text AS n FROM records WHERE agent = $1", [agent]);
  return Number(r.rows[0]?.n ?? 0);
}

async function flushAll(): Promise<void> {
  await Promise.all([...guards.values()].map((g) => g.flush()));
}

beforeAll(async () => {
  h = await startHarness({ pendingWaitMs: 15_000 });
  // The guards judge with the same snapshot as the collector; it is built from their own entries.
  const registry = { current: (): RegistrySnapshot => snapshot };
  for (const id of [GATEWAY, A, B, APPROVER]) {
    const key = makeKeyPair(id);
    guards.set(
      id,
      createGuard({
        agentId: id,
        keys: { keyId: key.keyId, privateKey: key.privateKey },
        registry,
        policy,
        endpoint: h.url,
        headers: { Authorization: `Bearer ${TOKEN}` },
      }),
    );
  }
  const registrar = testRegistrar();
  const entries = [
    guard(GATEWAY).registryEntry({ kind: "gateway", capabilities: [{ intent: "Task", to: [A] }] }),
    guard(A).registryEntry({ capabilities: [{ intent: "Quote", to: [B] }], protocols: { a2a: "0.3" }, labels: { team: "pricing" } }),
    guard(B).registryEntry({ capabilities: [{ intent: "place_order", to: [] }, { intent: "log_quote", to: [] }], protocols: { a2a: "0.3" } }),
    guard(APPROVER).registryEntry({ kind: "approver" }),
  ].map((e) => registrar.attest(e));
  snapshot = snapshotFromEntries(entries, { registrars: registrar.registrars, contracts: CONTRACTS });
  expect([...snapshot.agents.values()].every((agent) => agent.attested)).toBe(true);
  await h.setSnapshot(snapshot);
});

afterAll(async () => {
  await Promise.all([...guards.values()].map((g) => g.shutdown()));
  await h.close();
});

describe("guards through a real collector", () => {
  let req: WireRecord;
  let m1: WireRecord;
  let m2: WireRecord;

  it("every record of a request's work arrives verified, with its authority chain intact; a red action waits for its approval", async () => {
    const [gw, a, b, ap] = [guard(GATEWAY), guard(A), guard(B), guard(APPROVER)];
    req = gw.request("restock A-1 before the weekend", { intent: "restock" });
    m1 = gw.send(A, "Task", { text: "find a price for A-1" }, { parents: [req] });
    await gw.flush();

    expect(a.receive(m1, { depthHint: gw.depthOf(m1.id) }).accepted).toBe(true);
    const write = a.writeState(`${A}/notes`, { sku: "A-1", plan: "ask B" }, { parents: [m1] });
    const read = a.readState(`${A}/notes`, { parents: [write] });
    m2 = a.send(B, "Quote", { sku: "A-1", unit_price: 12.5 }, { parents: [m1, read.record] });
    await a.flush();

    const receipt = b.receive(m2, { depthHint: a.depthOf(m2.id) });
    expect(receipt).toMatchObject({ accepted: true, depth: 2 });
    const logged = await b.act("log_quote", "green", { sku: "A-1" }, { parents: [m2] });
    const held = b.act("place_order", "red", { sku: "A-1", qty: 3 }, { parents: [m2] });
    let done = false;
    void held.then(
      () => (done = true),
      () => (done = true),
    );
    await b.flush();
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    expect((await stored([held.id])).size).toBe(0);

    const approval = ap.approve(held.approvalRequest!);
    await ap.flush();
    expect(b.receive(approval).accepted).toBe(true);
    const action = await held;
    await b.flush();

    const ids = [req.id, m1.id, write.id, read.record.id, m2.id, logged.id, approval.id, action.id];
    await expect
      .poll(async () => [...(await stored(ids)).values()].map((r) => r.verdicts.join(",")), { timeout: 20_000, interval: 200 })
      .toEqual(ids.map(() => "verified"));
    const rows = await stored(ids);
    expect(rows.get(req.id)?.authority).toEqual([]);
    for (const id of [m1.id, write.id, read.record.id, m2.id, logged.id, approval.id]) expect(rows.get(id)?.authority, id).toEqual([req.id]);
    expect(rows.get(action.id)).toMatchObject({ authority: [req.id, approval.id], parents: [m2.id, approval.id] });
    expect(rows.get(m2.id)?.parents).toEqual([m1.id, read.record.id]);

    // Receipts are ordinary spans: stored as spans, not records.
    const receipts = await h.pool.query<{ accepted: boolean; verdicts: string[] }>(
      `SELECT (attributes->>'firebreak.receipt.accepted')::boolean AS accepted, ARRAY(SELECT jsonb_array_elements_text(attributes->'firebreak.receipt.verdicts')) AS verdicts
         FROM spans WHERE attributes->>'firebreak.receipt.of' = $1`,
      [m2.id],
    );
    expect(receipts.rows).toEqual([{ accepted: true, verdicts: ["verified"] }]);
    expect((await stored([receipt.record.id])).size).toBe(1);
  });

  it("a killed agent's send is refused and nothing is emitted for it", async () => {
    const a = guard(A);
    await flushAll();
    const before = await recordCount(A);
    const emitted = a.stats().recordsEmitted;
    policy.kill(A);
    try {
      let refusal: unknown;
      try {
        a.send(B, "Quote", { sku: "A-1", unit_price: 1 }, { parents: [m1] });
      } catch (err) {
        refusal = err;
      }
      expect(refusal).toBeInstanceOf(GuardRefusal);
      expect((refusal as GuardRefusal).code).toBe("killed");
      expect(a.stats().recordsEmitted).toBe(emitted);
      await a.flush();
      await new Promise((r) => setTimeout(r, 300));
      expect(await recordCount(A)).toBe(before);
    } finally {
      policy.revive(A);
    }
  });

  it("a breaker open on A->B refuses A's send and B's receipt of what A sent before", async () => {
    const [a, b] = [guard(A), guard(B)];
    const sentBefore = a.send(B, "Quote", { sku: "A-1", unit_price: 11 }, { parents: [m1] });
    policy.setBreaker(A, B, "OPEN");
    try {
      let refusal: unknown;
      try {
        a.send(B, "Quote", { sku: "A-1", unit_price: 10 }, { parents: [m1] });
      } catch (err) {
        refusal = err;
      }
      expect((refusal as GuardRefusal).code).toBe("breaker_open");
      const receipt = b.receive(sentBefore);
      expect(receipt.accepted).toBe(false);
      expect(receipt.refusal?.code).toBe("breaker_open");
      // The record itself is genuine: the collector verifies it. The refusal is B's, recorded on its receipt.
      await flushAll();
      await expect.poll(async () => (await stored([sentBefore.id])).get(sentBefore.id)?.verdicts, { timeout: 20_000, interval: 200 }).toEqual(["verified"]);
      const span = await h.pool.query<{ status_code: number; refusal: string }>(
        "SELECT status_code, attributes->>'firebreak.receipt.refusal' AS refusal FROM spans WHERE attributes->>'firebreak.receipt.of' = $1",
        [sentBefore.id],
      );
      expect(span.rows).toEqual([{ status_code: 2, refusal: "breaker_open" }]);
    } finally {
      policy.setBreaker(A, B, "CLOSED");
    }
  });
});
