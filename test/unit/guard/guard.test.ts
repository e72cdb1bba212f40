// The guard end to end in memory: what receive() checks before the agent
// acts, what the enforcement hooks refuse (and that a refusal emits
// nothing), fail modes, links and state, and the spans it emits.
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { createGuard, type Guard } from "@/lib/guard/guard.ts";
import { generateGuardKeys } from "@/lib/guard/keys.ts";
import { GuardRefusal, type RefusalCode } from "@/lib/guard/refusal.ts";
import { AgentInput } from "@/lib/registry/schema.ts";
import type { WireRecord } from "@/lib/protocol/record.ts";
import { signRecord } from "@/lib/protocol/sign.ts";
import { makeKeyPair } from "../../fixtures/keys.ts";
import { A, APPROVER, B, C, GATEWAY, guardOf, makeWorld, worldSnapshot, type World } from "./guard-fixtures.ts";

function refusalOf(fn: () => unknown): GuardRefusal {
  try {
    fn();
  } catch (err) {
    if (err instanceof GuardRefusal) return err;
    throw err;
  }
  throw new Error("expected a GuardRefusal, nothing was thrown");
}

function expectRefused(fn: () => unknown, code: RefusalCode): GuardRefusal {
  const r = refusalOf(fn);
  expect(r.code).toBe(code);
  return r;
}

/** gateway request -> message to A (received) -> message from A to B (not yet received). */
function start(w: World): { req: WireRecord; m1: WireRecord; m2: WireRecord } {
  const gw = guardOf(w, GATEWAY);
  const req = gw.request("restock A-1");
  const m1 = gw.send(A, "Task", { text: "restock" }, { parents: [req] });
  expect(guardOf(w, A).receive(m1).accepted).toBe(true);
  const m2 = guardOf(w, A).send(B, "Quote", { sku: "A-1", price: 3 }, { parents: [m1] });
  return { req, m1, m2 };
}

/** A record signed by `agent`'s fixture key, outside any guard: what a buggy or hostile sender could send. */
function signedBy(agent: string, rec: Omit<WireRecord, "agent">): WireRecord {
  const full = { ...rec, agent } as WireRecord;
  const key = makeKeyPair(agent);
  return { ...full, signature: signRecord(full, key.keyId, key.signingKey) };
}

describe("receive", () => {
  it("accepts a verified record, says so, and emits a receipt span", () => {
    const w = makeWorld();
    const { m2 } = start(w);
    const r = guardOf(w, B).receive(m2, { depthHint: guardOf(w, A).depthOf(m2.id) });
    expect(r).toMatchObject({ accepted: true, verdicts: [{ verdict: "verified" }], record: m2, depth: 2 });
    expect(r.refusal).toBeUndefined();
    const receipt = w.spans(B).find((s) => s.attributes["firebreak.receipt.of"] === m2.id);
    expect(receipt).toBeDefined();
    expect(receipt?.attributes).toEqual({
      "firebreak.receipt.of": m2.id,
      "firebreak.receipt.agent": B,
      "firebreak.receipt.from": A,
      "firebreak.receipt.verdicts": ["verified"],
      "firebreak.receipt.accepted": true,
      "gen_ai.agent.id": B,
    });
    expect(receipt?.attributes["firebreak.kind"]).toBeUndefined();
    expect(receipt?.kind).toBe(SpanKind.CONSUMER);
    expect(receipt?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("refuses a tampered record, with the verdict, and a receipt span in ERROR", () => {
    const w = makeWorld();
    const { m2 } = start(w);
    const r = guardOf(w, B).receive({ ...m2, payload: '{"price":0.01,"sku":"A-1"}' });
    expect(r.accepted).toBe(false);
    expect(r.verdicts.map((v) => v.verdict)).toEqual(["bad_signature"]);
    expect(r.refusal?.code).toBe("verification_failed");
    const receipt = w.spans(B).find((s) => s.attributes["firebreak.receipt.of"] === m2.id);
    expect(receipt?.status).toEqual({ code: SpanStatusCode.ERROR, message: r.refusal?.message });
    expect(receipt?.attributes["firebreak.receipt.refusal"]).toBe("verification_failed");
    expect(receipt?.attributes["firebreak.receipt.accepted"]).toBe(false);
  });

  it("refuses a replay: the same record again, or another record with a used nonce", () => {
    const w = makeWorld();
    const { m2 } = start(w);
    const b = guardOf(w, B);
    expect(b.receive(m2).accepted).toBe(true);
    const again = b.receive(m2);
    expect(again.accepted).toBe(false);
    expect(again.verdicts).toEqual([{ verdict: "replay", detail: `record ${m2.id} was already received` }]);
    const sameNonce = signedBy(A, { kind: "message", id: "other", to: [B], intent: "Quote", protocol: "a2a/0.3", timestamp: m2.timestamp, nonce: m2.nonce, payload: '{"price":1,"sku":"A-1"}', parents: m2.parents, authority: m2.authority });
    expect(b.receive(sameNonce).verdicts).toEqual([{ verdict: "replay", detail: `nonce already used by record ${m2.id}` }]);
  });

  it("a forgery carrying a sender's nonce does not burn it: the real record still gets through", () => {
    const w = makeWorld();
    const { m2 } = start(w);
    const b = guardOf(w, B);
    const forged = { ...m2, id: "forged", payload: '{"price":0,"sku":"A-1"}' };
    expect(b.receive(forged).verdicts.map((v) => v.verdict)).toEqual(["bad_signature"]);
    expect(b.receive(m2).accepted).toBe(true);
  });

  it("refuses stale and future records by its own clock", () => {
    const w = makeWorld();
    const { m2 } = start(w);
    const b = guardOf(w, B);
    w.clock.advance(300_001);
    expect(b.receive(m2).verdicts.map((v) => v.verdict)).toEqual(["stale"]);
    const early = guardOf(w, A).send(B, "Quote", { sku: "A-1", price: 1 }, { parents: m2.parents });
    w.clock.advance(-600_002);
    expect(b.receive(early).verdicts.map((v) => v.verdict)).toEqual(["future"]);
  });

  it("checks contract and capability of what it is sent", () => {
    const w = makeWorld();
    const { m1, m2 } = start(w);
    const b = guardOf(w, B);
    const base = { kind: "message" as const, to: [B], protocol: "a2a/0.3", timestamp: m2.timestamp, parents: [m1.id], authority: m2.authority };
    const badPayload = signedBy(A, { ...base, id: "x1", intent: "Quote", nonce: "BBBBBBBBBBBBBBBBBBBBBB", payload: '{"sku":"A-1","price":"cheap"}' });
    expect(b.receive(badPayload).verdicts).toEqual([{ verdict: "schema_violation", detail: "/price: must be number" }]);
    const noContract = signedBy(A, { ...base, id: "x2", intent: "Gossip", nonce: "CCCCCCCCCCCCCCCCCCCCCC", payload: "{}" });
    expect(b.receive(noContract).verdicts.map((v) => v.verdict)).toContain("unknown_intent");
    // The gateway may send Task to A only.
    const notAllowed = signedBy(GATEWAY, { ...base, id: "x3", intent: "Task", nonce: "DDDDDDDDDDDDDDDDDDDDDD", payload: '{"text":"x"}' });
    expect(b.receive(notAllowed).verdicts).toEqual([{ verdict: "capability_violation", detail: "agent gateway may not send intent Task to agent-b" }]);
  });

  it("refuses unsigned, unknown and misaddressed records, and work without authority", () => {
    const w = makeWorld();
    const { m2 } = start(w);
    const b = guardOf(w, B);
    const { signature: _sig, ...unsigned } = m2;
    expect(b.receive(unsigned).verdicts.map((v) => v.verdict)).toEqual(["unsigned"]);
    expect(b.receive(signedBy("stranger", { ...m2, id: "s1" })).verdicts.map((v) => v.verdict)).toEqual(["unknown_agent"]);
    const toC = guardOf(w, A).send(C, "Quote", { sku: "A-1", price: 1 }, { parents: m2.parents });
    const r = b.receive(toC);
    expect(r.verdicts).toEqual([{ verdict: "verified" }]);
    expect(r.refusal?.message).toBe(`message ${toC.id} is addressed to agent-c, not agent-b`);
    const rootless = guardOf(w, A).send(B, "Quote", { sku: "A-1", price: 1 });
    expect(b.receive(rootless).verdicts).toEqual([{ verdict: "broken_authority", detail: "authority chain is empty" }]);
  });
});

describe("enforcement hooks", () => {
  it("a killed agent's send is refused and nothing is emitted for it", () => {
    const w = makeWorld();
    const { m1 } = start(w);
    const a = guardOf(w, A);
    const before = w.spans(A).length;
    w.policy.kill(A);
    expectRefused(() => a.send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }), "killed");
    expectRefused(() => a.writeState("notes/x", 1, { parents: [m1] }), "killed");
    expectRefused(() => a.readState("notes/x", { parents: [m1] }), "killed");
    expect(w.spans(A)).toHaveLength(before);
    expect(a.stats()).toMatchObject({ refusals: 3 });
    w.policy.revive(A);
    expect(a.send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }).kind).toBe("message");
  });

  it("a killed agent's records are refused on receipt; a killed receiver accepts nothing", () => {
    const w = makeWorld();
    const { m2 } = start(w);
    w.policy.kill(A);
    expect(guardOf(w, B).receive(m2).refusal?.code).toBe("killed");
    w.policy.revive(A);
    w.policy.kill(B);
    const fresh = guardOf(w, A).send(C, "Quote", { sku: "A-1", price: 1 }, { parents: m2.parents });
    expect(guardOf(w, C).receive(fresh).accepted).toBe(true);
  });

  it("kill by label uses the registry's labels; kill-all stops everyone", () => {
    const w = makeWorld();
    const { m1 } = start(w);
    w.policy.killLabel("team=orders");
    expectRefused(() => guardOf(w, A).send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }), "killed");
    expect(guardOf(w, A).send(C, "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }).kind).toBe("message");
    w.policy.reviveLabel("team=orders");
    w.policy.setKillAll(true);
    expectRefused(() => guardOf(w, GATEWAY).request("anything"), "killed");
  });

  it("an open or forced-open breaker on A->B refuses the send and the receipt; half-open and metrics-only pass", () => {
    const w = makeWorld();
    w.policy.setCaps({ maxFanOut: 100 });
    const { m1, m2 } = start(w);
    const a = guardOf(w, A);
    const b = guardOf(w, B);
    const before = w.spans(A).length;
    for (const state of ["OPEN", "FORCED_OPEN"] as const) {
      w.policy.setBreaker(A, B, state);
      expectRefused(() => a.send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }), "breaker_open");
    }
    expect(w.spans(A)).toHaveLength(before);
    expect(b.receive(m2).refusal).toMatchObject({ code: "breaker_open", message: "the breaker on agent-a->agent-b is FORCED_OPEN" });
    // The other direction and other edges are untouched.
    expect(a.send(C, "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }).kind).toBe("message");
    for (const state of ["HALF_OPEN", "METRICS_ONLY", "CLOSED"] as const) {
      w.policy.setBreaker(A, B, state);
      expect(a.send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }).kind).toBe("message");
    }
  });

  it("a killed edge refuses that edge only", () => {
    const w = makeWorld();
    const { m1 } = start(w);
    w.policy.killEdge(A, B);
    expectRefused(() => guardOf(w, A).send([C, B], "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }), "killed");
    w.policy.reviveEdge(A, B);
    expect(guardOf(w, A).send([C, B], "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }).to).toEqual([C, B]);
  });

  it("fan-out: three deliveries from one record pass, the fourth is refused; another record starts afresh", () => {
    const w = makeWorld();
    // start() has made one delivery from m1 already (m2, to B).
    const { m1 } = start(w);
    const a = guardOf(w, A);
    a.send([C, "agent-d"], "Quote", { sku: "A-1", price: 1 }, { parents: [m1] });
    const r = expectRefused(() => a.send("agent-e", "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }), "fan_out_cap");
    expect(r.message).toBe("sending Quote would make 4 deliveries from one record (cap 3)");
    const other = guardOf(w, GATEWAY).send(A, "Task", { text: "more" }, { parents: m1.parents });
    a.receive(other);
    expect(a.send([B, C, "agent-d"], "Quote", { sku: "A-1", price: 1 }, { parents: [other] }).to).toHaveLength(3);
  });

  it("fails closed or open as configured when the policy source is unreachable", async () => {
    const closed = makeWorld();
    const { m1 } = start(closed);
    closed.policy.setStatus("unreachable");
    expectRefused(() => guardOf(closed, A).send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }), "policy_unreachable");

    const open = makeWorld({ failMode: "open" });
    const s = start(open);
    open.policy.setStatus("unreachable");
    expect(guardOf(open, A).send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [s.m1] }).kind).toBe("message");
    await expect(guardOf(open, A).act("anything", "red", {}, { parents: [s.m1] })).rejects.toMatchObject({ code: "policy_unreachable" });
    // Known kills still hold when failing open.
    open.policy.kill(A);
    expectRefused(() => guardOf(open, A).send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [s.m1] }), "killed");
  });

  it("tells onRefusal about every refusal, thrown or returned", () => {
    const seen: string[] = [];
    const w = makeWorld({ onRefusal: (r) => seen.push(r.code) });
    const { m2 } = start(w);
    w.policy.kill(A);
    expect(() => guardOf(w, A).send(B, "Quote", {}, { parents: [] })).toThrow(GuardRefusal);
    guardOf(w, B).receive(m2);
    expect(seen).toEqual(["killed", "killed"]);
  });
});

describe("what the guard signs", () => {
  it("refuses, before signing, what the collector would flag; nothing is emitted", () => {
    const w = makeWorld();
    const { m1 } = start(w);
    const a = guardOf(w, A);
    const before = w.spans(A).length;
    const cap = expectRefused(() => a.send(GATEWAY, "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }), "verification_failed");
    expect(cap.message).toBe("message Quote would not verify at the collector: capability_violation (agent agent-a may not send intent Quote to gateway)");
    expectRefused(() => a.send(B, "Quote", { sku: "A-1" }, { parents: [m1] }), "verification_failed");
    expectRefused(() => a.send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [m1], protocol: "a2a/0.2" }), "verification_failed");
    expectRefused(() => a.writeState("orders/secret", 1, { parents: [m1] }), "verification_failed");
    expect(w.spans(A)).toHaveLength(before);
  });

  it("with selfCheck off it signs anyway, and the receiver refuses it", () => {
    const w = makeWorld({ selfCheck: false });
    const { m1 } = start(w);
    const rec = guardOf(w, A).send(B, "Quote", { sku: "A-1" }, { parents: [m1] });
    expect(guardOf(w, B).receive(rec).verdicts.map((v) => v.verdict)).toEqual(["schema_violation"]);
  });

  it("inherits authority from its parents, records or ids, unless told otherwise", () => {
    const w = makeWorld();
    w.policy.setCaps({ maxFanOut: 100 });
    const { req, m1 } = start(w);
    const a = guardOf(w, A);
    expect(a.send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [m1] }).authority).toEqual([req.id]);
    expect(a.send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [m1.id] }).authority).toEqual([req.id]);
    expect(a.send(B, "Quote", { sku: "A-1", price: 1 }, { parents: [m1], authority: ["other"] }).authority).toEqual(["other"]);
    expect(a.send(B, "Quote", { sku: "A-1", price: 1 }, { parents: ["unknown"] }).authority).toBeUndefined();
    expect(guardOf(w, GATEWAY).send(A, "Task", { text: "x" }, { parents: [req.id] }).authority).toEqual([req.id]);
  });

  it("writes and reads state; the read names what it saw by the digest of the write's payload", async () => {
    const w = makeWorld();
    const { m1 } = start(w);
    const a = guardOf(w, A);
    const write = a.writeState("notes/plan", { b: 2, a: 1 }, { parents: [m1] });
    expect(write).toMatchObject({ kind: "state.write", intent: "notes/plan", payload: '{"a":1,"b":2}', parents: [m1.id] });
    const read = a.readState("notes/plan", { parents: [write] });
    expect(read.value).toEqual({ b: 2, a: 1 });
    const { createHash } = await import("node:crypto");
    expect(JSON.parse(read.record.payload ?? "")).toEqual({ found: true, sha256: createHash("sha256").update(write.payload ?? "").digest("base64url") });
    expect(JSON.parse(a.readState("notes/none").record.payload ?? "")).toEqual({ found: false });
  });

  it("uses an injected store", () => {
    const values = new Map<string, unknown>([["notes/x", 42]]);
    const w = makeWorld({ store: { get: (k) => values.get(k), set: (k, v) => void values.set(k, v) } });
    const { m1 } = start(w);
    expect(guardOf(w, A).readState("notes/x", { parents: [m1] }).value).toBe(42);
    guardOf(w, A).writeState("notes/y", "hello", { parents: [m1] });
    expect(values.get("notes/y")).toBe("hello");
  });

  it("a request carries its text unless given a payload", () => {
    const gw = guardOf(makeWorld(), GATEWAY);
    expect(gw.request("restock A-1")).toMatchObject({ kind: "request", payload: '{"text":"restock A-1"}' });
    expect(gw.request("x", { intent: "restock", payload: { sku: "A-1" } })).toMatchObject({ intent: "restock", payload: '{"sku":"A-1"}' });
  });

  it("is repeatable with a seeded random source and a fixed clock", () => {
    const first = guardOf(makeWorld(), GATEWAY).request("same");
    const second = guardOf(makeWorld(), GATEWAY).request("same");
    expect(second).toEqual(first);
  });
});

describe("spans", () => {
  it("one span per record, named '<kind> <intent>', carrying the record; one trace per request", () => {
    const w = makeWorld();
    const { req, m1 } = start(w);
    const spans = w.recordSpans(GATEWAY);
    expect(spans.map((s) => s.name)).toEqual(["request", "message Task"]);
    expect(spans[1]?.kind).toBe(SpanKind.PRODUCER);
    expect(spans[1]?.attributes["firebreak.id"]).toBe(m1.id);
    expect(spans[1]?.attributes["firebreak.signature"]).toBe(m1.signature);
    expect(spans[0]?.spanContext().traceId).toBe(spans[1]?.spanContext().traceId);
    expect(w.recordSpans(A)[0]?.spanContext().traceId).toBe(spans[0]?.spanContext().traceId);
    expect(spans[0]?.resource.attributes["service.name"]).toBe(GATEWAY);
    expect(spans[0]?.instrumentationScope.name).toBe("firebreak-guard");
    expect(req.id).toMatch(/^req-[A-Za-z0-9_-]{22}$/);
  });

  it("stamps spans with the injected clock, even one that starts near zero", () => {
    const exporter = new InMemorySpanExporter();
    const key = makeKeyPair(GATEWAY);
    let t = 1_500;
    const g = createGuard({ agentId: GATEWAY, keys: { keyId: key.keyId, privateKey: key.privateKey }, registry: worldSnapshot(), exporter, processor: "simple", clock: () => t });
    g.request("x");
    t = 2_000;
    expect(exporter.getFinishedSpans()[0]?.startTime).toEqual([1, 500_000_000]);
  });

  it("can emit through an application's own tracer", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const key = makeKeyPair(GATEWAY);
    const g = createGuard({ agentId: GATEWAY, keys: { keyId: key.keyId, privateKey: key.signingKey }, registry: worldSnapshot(), tracer: provider.getTracer("app") });
    const req = g.request("x");
    expect(exporter.getFinishedSpans().map((s) => s.attributes["firebreak.id"])).toEqual([req.id]);
    await g.flush();
    await provider.shutdown();
  });
});

describe("construction and keys", () => {
  it("refuses an agent id that is not a plain registry id, and a key that is not Ed25519", () => {
    const key = makeKeyPair(A);
    expect(() => createGuard({ agentId: "", keys: { keyId: key.keyId, privateKey: key.privateKey }, registry: worldSnapshot() })).toThrow(/agentId/);
    expect(() => createGuard({ agentId: 'a"b', keys: { keyId: key.keyId, privateKey: key.privateKey }, registry: worldSnapshot() })).toThrow(/agentId/);
    expect(() => createGuard({ agentId: A, keys: { keyId: "k", privateKey: "not-a-key" }, registry: worldSnapshot() })).toThrow(/private key/);
  });

  it("generates keys and a registry entry the registry accepts", async () => {
    const keys = generateGuardKeys("new-agent-k1");
    const g: Guard = createGuard({ agentId: "new-agent", keys, registry: worldSnapshot(), exporter: new InMemorySpanExporter() });
    expect(g.publicKey).toBe(keys.publicKey);
    const entry = g.registryEntry({ capabilities: [{ intent: "Quote", to: [B] }], labels: { team: "new" } });
    const parsed = AgentInput.parse(entry);
    expect(parsed).toMatchObject({ id: "new-agent", kind: "agent", keys: [{ keyId: "new-agent-k1", publicKey: keys.publicKey }] });
    await g.shutdown();
  });

  it("an unregistered agent's guard still signs (the collector will say unknown_agent)", () => {
    const w = makeWorld();
    const keys = generateGuardKeys("ghost-k1");
    const g = createGuard({ agentId: "ghost", keys, registry: worldSnapshot(), exporter: new InMemorySpanExporter(), clock: w.clock.now });
    expect(g.request("boo").signature).toMatch(/^ed25519:ghost-k1:/);
    expect(guardOf(w, APPROVER).receive(g.request("boo")).verdicts.map((v) => v.verdict)).toEqual(["unknown_agent"]);
  });
});
