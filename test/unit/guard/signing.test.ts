// The guard signs on a fast path of its own (lib/guard/signing.ts). These
// tests hold it to the contract: its bytes are signingInput()'s bytes, its
// payload text is canonical JSON, and every kind of record it emits, read
// back off the span the way the collector reads it, is `verified`.
import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { GuardRefusal } from "@/lib/guard/refusal.ts";
import { envelopeSigningInput, preparePayload } from "@/lib/guard/signing.ts";
import { SigningInputError, signingInput } from "@/lib/protocol/canonical.ts";
import { RECORD_KINDS, type WireRecord } from "@/lib/protocol/record.ts";
import { recordFromAttributes } from "@/lib/protocol/span-to-record.ts";
import type { AttributeValue } from "@/lib/protocol/attributes.ts";
import { checkRecord } from "@/lib/verify/check-record.ts";
import { A, APPROVER, B, GATEWAY, guardOf, makeWorld } from "./guard-fixtures.ts";

/** mulberry32: small, seeded, good enough to generate test data. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = ["", "a", "B", "sku", "10", "9", "2", "é", "日本", "😀", "a\"b", "back\\slash", "line\nbreak", "\u0000", "\u007f", "\u2028", "\ud83d\ude00x", "z", "__proto__", "constructor"];
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, 123456789012345680000, 2 ** 53, 12.5];

function randomValue(rnd: () => number, depth: number): unknown {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const r = rnd();
  if (depth > 4 || r < 0.35) {
    const p = rnd();
    if (p < 0.4) return pick(STRINGS);
    if (p < 0.75) return pick(NUMBERS);
    if (p < 0.9) return rnd() < 0.5;
    return null;
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rnd() * 5); i > 0; i--) o[pick(STRINGS)] = randomValue(rnd, depth + 1);
  return o;
}

function randomRecord(rnd: () => number, i: number): WireRecord {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const maybe = <T,>(v: T): T | undefined => (rnd() < 0.5 ? v : undefined);
  const kind = pick(RECORD_KINDS);
  const rec: WireRecord = { kind, id: `id-${i}-${pick(STRINGS)}`, agent: pick(["agent-a", "ä", "a\"gent"]), timestamp: "2026-11-21T12:00:00.000Z" };
  const to = maybe([pick(STRINGS), pick(STRINGS)].filter((s) => s !== ""));
  if (to !== undefined) rec.to = to;
  const intent = maybe(pick(STRINGS));
  if (intent !== undefined) rec.intent = intent;
  const protocol = maybe("a2a/0.3");
  if (protocol !== undefined) rec.protocol = protocol;
  const nonce = maybe("AAAAAAAAAAAAAAAAAAAAAA");
  if (nonce !== undefined) rec.nonce = nonce;
  if (rnd() < 0.8) rec.payload = preparePayload(randomValue(rnd, 0)).text;
  const parents = maybe(rnd() < 0.3 ? [] : [`p-${i}`, pick(STRINGS)].filter((s) => s !== ""));
  if (parents !== undefined) rec.parents = parents;
  const authority = maybe([`r-${i}`]);
  if (authority !== undefined) rec.authority = authority;
  if (kind === "action" && rnd() < 0.7) rec.class = pick(["green", "yellow", "red"] as const);
  return rec;
}

describe("preparePayload", () => {
  it("writes plain data exactly as canonicalize() does (2,000 seeded values)", () => {
    const rnd = seeded(42);
    for (let i = 0; i < 2_000; i++) {
      const value = randomValue(rnd, 0);
      const { text } = preparePayload(value);
      expect(text).toBe(canonicalize(value));
      // Canonical JSON is a fixed point: what the verifier rebuilds from the text is the text.
      expect(canonicalize(JSON.parse(text))).toBe(text);
    }
  });

  it("follows JSON.stringify for values that are not plain data, through canonicalize()", () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    const cases: unknown[] = [
      { when: new Date(Date.UTC(2026, 0, 2)) },
      { skip: undefined, fn: () => 1, keep: 1 },
      [undefined, () => 1, Symbol("s"), 2],
      // Sparse: the hole reads as undefined.
      [1, , 3],
      { boxed: new Number(3), s: new String("x"), b: new Boolean(false) },
      new Point(1, 2),
      nullProto,
      { toJSON: () => ({ z: 1, a: 2 }) },
      new Map([["a", 1]]),
    ];
    for (const value of cases) {
      const { text } = preparePayload(value);
      expect(text).toBe(canonicalize(value));
      expect(canonicalize(JSON.parse(text))).toBe(text);
    }
  });

  it("refuses what JSON cannot say, rather than sign something else", () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    const bad: unknown[] = [Number.NaN, { x: Number.POSITIVE_INFINITY }, 10n, cycle, "\ud800", { "\udc00": 1 }, undefined, () => 1, Symbol("x")];
    for (const value of bad) expect(() => preparePayload(value)).toThrow(SigningInputError);
  });

  it("allows 64 levels of nesting and refuses 65, on both paths", () => {
    const nest = (n: number, leaf: unknown): unknown => {
      let v = leaf;
      for (let i = 0; i < n; i++) v = [v];
      return v;
    };
    expect(() => preparePayload(nest(64, 1))).not.toThrow();
    expect(() => preparePayload(nest(65, 1))).toThrow(/nests deeper than 64/);
    // A Date inside sends it down the canonicalize() path.
    expect(() => preparePayload(nest(63, new Date(0)))).not.toThrow();
    expect(() => preparePayload(nest(65, new Date(0)))).toThrow(/nests deeper than 64/);
  });
});

describe("envelopeSigningInput", () => {
  it("gives signingInput()'s bytes for every kind and shape (3,000 seeded records)", () => {
    const rnd = seeded(7);
    for (let i = 0; i < 3_000; i++) {
      const rec = randomRecord(rnd, i);
      expect(envelopeSigningInput(rec, rec.payload).toString("utf8")).toBe(signingInput(rec).toString("utf8"));
    }
  });

  it("refuses a lone surrogate in any string the caller chose", () => {
    const rec: WireRecord = { kind: "message", id: "m", agent: "a", timestamp: "2026-11-21T12:00:00.000Z", to: ["b\ud800"] };
    expect(() => envelopeSigningInput(rec, undefined)).toThrow(SigningInputError);
    expect(() => signingInput(rec)).toThrow(SigningInputError);
  });
});

describe("every kind the guard emits verifies as the collector reads it", () => {
  it("request, message, state.write, state.read, action (green and red) and approval", async () => {
    const w = makeWorld();
    const [gw, a, b, ap] = [guardOf(w, GATEWAY), guardOf(w, A), guardOf(w, B), guardOf(w, APPROVER)];
    const req = gw.request("restock A-1", { intent: "restock" });
    const m1 = gw.send(A, "Task", { text: "restock A-1 before the weekend: \"urgent\" ✓" }, { parents: [req] });
    a.receive(m1);
    a.writeState("notes/plan", { steps: ["quote", "order"], at: new Date(w.clock.now()) }, { parents: [m1] });
    a.readState("notes/plan", { parents: [m1] });
    const m2 = a.send(B, "Quote", { price: 3.5, sku: "A-1", extra: { z: 1, a: [1, 2, { "10": true, "9": false }] } }, { parents: [m1] });
    b.receive(m2);
    await b.act("log_quote", "green", null, { parents: [m2] });
    const held = b.act("place_order", "red", { qty: 3 }, { parents: [m2] });
    const approval = ap.approve(held.approvalRequest!);
    b.receive(approval);
    await held;

    const spans = [GATEWAY, A, B, APPROVER].flatMap((id) => w.recordSpans(id));
    const kinds = new Set<string>();
    for (const span of spans) {
      const read = recordFromAttributes(span.attributes as Record<string, AttributeValue>);
      if (read === null || "error" in read) throw new Error(`span ${span.name} does not carry a record: ${read === null ? "no kind" : read.error}`);
      const verdicts = checkRecord(read.record, w.snapshot, { now: w.clock.now() });
      expect(verdicts, `${read.record.kind} ${read.record.intent ?? ""}`).toEqual([{ verdict: "verified" }]);
      kinds.add(read.record.class === undefined ? read.record.kind : `${read.record.kind}:${read.record.class}`);
    }
    expect([...kinds].sort()).toEqual(["action:green", "action:red", "approval", "message", "request", "state.read", "state.write"]);
  });

  it("a payload the collector would refuse is refused before signing, and nothing is emitted", () => {
    const w = makeWorld();
    const gw = guardOf(w, GATEWAY);
    const req = gw.request("x");
    const before = w.recordSpans(GATEWAY).length;
    let err: unknown;
    try {
      gw.send(A, "Task", { text: "x", n: Number.NaN }, { parents: [req] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GuardRefusal);
    expect((err as GuardRefusal).code).toBe("verification_failed");
    expect((err as GuardRefusal).message).toContain("NaN is not allowed");
    expect(w.recordSpans(GATEWAY)).toHaveLength(before);
  });
});
