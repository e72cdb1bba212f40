// The guard composes the collector's verdict functions itself (to memoize the
// grant checks). This holds it to checkRecord on a spread of records, so the
// two cannot drift apart unnoticed.
import { describe, expect, it } from "vitest";
import { checkContractValue, checkOutgoing, checkReceived, GrantMemo } from "@/lib/guard/local-checks.ts";
import { preparePayload } from "@/lib/guard/signing.ts";
import { checkContract } from "@/lib/verify/contract.ts";
import type { WireRecord } from "@/lib/protocol/record.ts";
import { checkRecord } from "@/lib/verify/check-record.ts";
import { makeKeyPair } from "../../fixtures/keys.ts";
import { FIXTURE_NOW, makeRecord, makeSignedRecord, resetFixtureIds } from "../../fixtures/records.ts";
import { makeAgent, makeContract, makeSnapshot } from "../../fixtures/registry.ts";

const sender = makeAgent({
  id: "agent-a",
  capabilities: [
    { intent: "quote.request", to: ["agent-b"] },
    { intent: "ship", to: [] },
  ],
  protocols: { a2a: "0.3" },
  memory: { read: ["notes/*"], write: [] },
});
const contract = makeContract("quote.request", { type: "object", required: ["sku"], properties: { sku: { type: "string" }, qty: { type: "integer" } } });

function corpus(): WireRecord[] {
  resetFixtureIds();
  const other = makeKeyPair("agent-a", "agent-a-old");
  return [
    makeSignedRecord(),
    makeSignedRecord({ to: ["agent-c"] }),
    makeSignedRecord({ intent: "gossip" }),
    makeSignedRecord({ payload: '{"qty":"x"}' }),
    makeSignedRecord({ protocol: "a2a/0.2" }),
    makeSignedRecord({ protocol: undefined }),
    makeSignedRecord({ kind: "action", to: undefined, intent: "ship", class: "red" }),
    makeSignedRecord({ kind: "action", to: undefined, intent: "fly" }),
    makeSignedRecord({ kind: "state.read", to: undefined, intent: "notes/x", protocol: undefined }),
    makeSignedRecord({ kind: "state.write", to: undefined, intent: "notes/x", protocol: undefined }),
    makeSignedRecord({ kind: "state.read", to: undefined, intent: "notes/../x", protocol: undefined }),
    makeSignedRecord({ timestamp: "2026-11-21T11:00:00.000Z" }),
    makeSignedRecord({ timestamp: "2026-11-21T13:00:00.000Z" }),
    makeSignedRecord({ agent: "stranger" }),
    makeSignedRecord({ agent: "shadow" }),
    makeSignedRecord({}, other),
    makeRecord(),
    { ...makeSignedRecord(), payload: '{"sku":"B-2"}' },
    { ...makeSignedRecord(), signature: "rsa:k:abc" },
  ];
}

describe("checkReceived", () => {
  it("gives checkRecord's verdicts, memo cold and warm, with and without unattested agents allowed", () => {
    for (const allowUnattested of [false, true]) {
      const snapshot = makeSnapshot([sender, makeAgent({ id: "shadow", attested: false })], { contracts: [contract], allowUnattested });
      const memo = new GrantMemo();
      for (let pass = 0; pass < 2; pass++) {
        for (const rec of corpus()) {
          expect(checkReceived(rec, snapshot, FIXTURE_NOW, 300_000, memo), `${rec.kind} ${rec.intent ?? ""} pass ${pass}`).toEqual(checkRecord(rec, snapshot, { now: FIXTURE_NOW }));
        }
      }
    }
  });

  it("a new registry snapshot is judged afresh, not from the memo", () => {
    const memo = new GrantMemo();
    const rec = makeSignedRecord({ to: ["agent-c"] });
    const before = makeSnapshot([sender], { contracts: [contract] });
    expect(checkReceived(rec, before, FIXTURE_NOW, 300_000, memo).map((v) => v.verdict)).toEqual(["capability_violation"]);
    const widened = makeSnapshot([{ ...sender, capabilities: [{ intent: "quote.request", to: ["*"] }] }], { contracts: [contract] });
    expect(checkReceived(rec, widened, FIXTURE_NOW, 300_000, memo)).toEqual([{ verdict: "verified" }]);
  });
});

describe("checkOutgoing", () => {
  it("flags contract and grant problems, not identity or time", () => {
    const snapshot = makeSnapshot([sender], { contracts: [contract] });
    const memo = new GrantMemo();
    expect(checkOutgoing(makeRecord({ timestamp: "2020-01-01T00:00:00.000Z" }), snapshot, memo)).toEqual([]);
    expect(checkOutgoing(makeRecord({ to: ["agent-c"], payload: "{}" }), snapshot, memo).map((v) => v.verdict)).toEqual(["schema_violation", "capability_violation"]);
    expect(checkOutgoing(makeRecord({ agent: "stranger", intent: "gossip" }), snapshot, memo).map((v) => v.verdict)).toEqual(["unknown_intent"]);
  });
});

describe("checkContractValue", () => {
  it("gives checkContract's verdict and detail for an already parsed payload", () => {
    const strict = makeContract("strict", {
      type: "object",
      additionalProperties: false,
      required: ["sku", "qty"],
      properties: { sku: { type: "string", minLength: 2 }, qty: { type: "integer", minimum: 0 }, tags: { type: "array", items: { enum: ["a", "b"] } } },
    });
    const broken = makeContract("broken", { type: "object", properties: { x: { type: "no-such-type" } } });
    const snapshot = makeSnapshot([sender], { contracts: [contract, strict, broken] });
    const payloads: unknown[] = [{ sku: "A-1" }, { qty: 1 }, { sku: 7 }, { sku: "A", qty: -1 }, { sku: "AB", qty: 1, tags: ["c"] }, { sku: "AB", qty: 1, extra: true }, [], null, "x", -0, { sku: "AB", qty: 1.5 }];
    for (const intent of ["quote.request", "strict", "broken", "unknown", ""]) {
      for (const value of payloads) {
        const rec = makeRecord({ intent, payload: preparePayload(value).text });
        expect(checkContractValue(rec, value, snapshot), `${intent} ${JSON.stringify(value)}`).toEqual(checkContract(rec, snapshot));
      }
      const bare = makeRecord({ intent, payload: undefined });
      expect(checkContractValue(bare, undefined, snapshot)).toEqual(checkContract(bare, snapshot));
    }
  });
});
