import { describe, expect, it } from "vitest";
import { indexCompromise, suspicionOf, type CompromiseMark, type RecordFacts } from "@/lib/lineage/suspicion.ts";

const T = Date.UTC(2026, 10, 21, 12);
const facts = (o: Partial<RecordFacts> = {}): RecordFacts => ({
  agent: "planner",
  keyId: "k1",
  ts: T,
  verified: true,
  verdicts: [{ verdict: "verified" }],
  marks: [],
  findings: [],
  ...o,
});
const mark = (o: Partial<CompromiseMark> = {}): CompromiseMark => ({
  id: "1",
  agent: "planner",
  keyId: null,
  from: T,
  reason: "key leaked in a log",
  markedBy: "ana",
  markedAt: T + 3_600_000,
  ...o,
});
const none = indexCompromise([]);

describe("suspicionOf", () => {
  it("clears a verified record", () => {
    expect(suspicionOf(facts(), none)).toEqual([]);
  });

  it("flags every verdict other than verified and pending, with its detail", () => {
    const r = suspicionOf(
      facts({ verified: false, verdicts: [{ verdict: "bad_signature", detail: "signature does not verify" }, { verdict: "stale" }, { verdict: "pending" }] }),
      none,
    );
    expect(r).toEqual([
      { kind: "verification", detail: "bad_signature: signature does not verify" },
      { kind: "verification", detail: "stale" },
    ]);
  });

  it("keeps unattested_agent beside verified as a note, but flags it when it blocked verification", () => {
    expect(suspicionOf(facts({ verdicts: [{ verdict: "verified" }, { verdict: "unattested_agent" }] }), none)).toEqual([]);
    expect(suspicionOf(facts({ verified: false, verdicts: [{ verdict: "unattested_agent" }] }), none)).toEqual([{ kind: "verification", detail: "unattested_agent" }]);
  });

  it("does not hold waiting against a record, but flags an unverified record that names nothing", () => {
    expect(suspicionOf(facts({ verified: false, verdicts: [{ verdict: "pending", detail: "waiting for R" }] }), none)).toEqual([]);
    expect(suspicionOf(facts({ verified: false, verdicts: [] }), none)).toEqual([{ kind: "verification", detail: "not verified" }]);
  });

  it("flags a compromised agent's records from the mark's time on, not before", () => {
    const idx = indexCompromise([mark()]);
    expect(suspicionOf(facts({ ts: T - 1 }), idx)).toEqual([]);
    expect(suspicionOf(facts({ ts: T }), idx)).toEqual([
      { kind: "compromised_agent", detail: "agent planner compromised since 2026-11-21T12:00:00.000Z (key leaked in a log; marked by ana)" },
    ]);
    expect(suspicionOf(facts({ agent: "pricer" }), idx)).toEqual([]);
  });

  it("flags a compromised key only on records signed with it", () => {
    const idx = indexCompromise([mark({ keyId: "k2" })]);
    expect(suspicionOf(facts({ keyId: "k1" }), idx)).toEqual([]);
    expect(suspicionOf(facts({ keyId: "k2" }), idx)[0]!.kind).toBe("compromised_key");
    expect(suspicionOf(facts({ keyId: null }), idx)).toEqual([]);
  });

  it("adds anomaly findings and analyst marks", () => {
    const r = suspicionOf(
      facts({ findings: [{ detector: "semantic_deviation", explanation: "unit_price 10.3x the 24h median (n=412)" }], marks: [{ reason: "refund fraud", markedBy: "ana" }] }),
      none,
    );
    expect(r).toEqual([
      { kind: "anomaly", detail: "semantic_deviation: unit_price 10.3x the 24h median (n=412)", detector: "semantic_deviation" },
      { kind: "analyst_mark", detail: "refund fraud (marked by ana)" },
    ]);
  });
});
