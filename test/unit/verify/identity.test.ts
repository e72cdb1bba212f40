import { describe, expect, it, vi } from "vitest";
import type { WireRecord } from "@/lib/protocol/record.ts";
import { checkIdentityAndSignature } from "@/lib/verify/identity.ts";
import { makeKeyPair } from "@/test/fixtures/keys.ts";
import { FIXTURE_TIMESTAMP, makeRecord, makeSignedRecord } from "@/test/fixtures/records.ts";
import { makeAgent, makeAgentKey, makeSnapshot } from "@/test/fixtures/registry.ts";

const snapshot = makeSnapshot([makeAgent({ id: "agent-a" })]);
const names = (rec: WireRecord, snap = snapshot): string[] => checkIdentityAndSignature(rec, snap).map((v) => v.verdict);

describe("checkIdentityAndSignature", () => {
  it("finds nothing wrong with a record signed by a registered key", () => {
    expect(checkIdentityAndSignature(makeSignedRecord(), snapshot)).toEqual([]);
  });

  it("flags an unknown agent, and an unsigned record from one", () => {
    expect(checkIdentityAndSignature(makeSignedRecord({ agent: "ghost" }), snapshot)).toEqual([
      { verdict: "unknown_agent", detail: "agent ghost is not in the registry" },
    ]);
    expect(names(makeRecord({ agent: "ghost" }))).toEqual(["unknown_agent", "unsigned"]);
  });

  it("flags an unsigned record", () => {
    expect(checkIdentityAndSignature(makeRecord(), snapshot)).toEqual([{ verdict: "unsigned", detail: "record has no firebreak.signature" }]);
  });

  it("always notes an unattested agent, and says whether policy allows it", () => {
    const agent = makeAgent({ attested: false });
    const strict = checkIdentityAndSignature(makeSignedRecord(), makeSnapshot([agent]));
    expect(strict).toEqual([{ verdict: "unattested_agent", detail: "agent agent-a is not attested and the registry requires attestation" }]);
    const lenient = checkIdentityAndSignature(makeSignedRecord(), makeSnapshot([agent], { allowUnattested: true }));
    expect(lenient).toEqual([{ verdict: "unattested_agent", detail: "agent agent-a is not attested (allowed by registry policy)" }]);
    expect(names(makeRecord(), makeSnapshot([agent]))).toEqual(["unattested_agent", "unsigned"]);
  });

  it("flags a signature under a key the agent does not have", () => {
    const stranger = makeKeyPair("stranger", "k-stranger");
    expect(checkIdentityAndSignature(makeSignedRecord({}, stranger), snapshot)).toEqual([
      { verdict: "unknown_key", detail: "agent agent-a has no key k-stranger" },
    ]);
  });

  it("flags a signature made by another key under the agent's key id", () => {
    const impostor = makeKeyPair("impostor", "agent-a-key");
    expect(names(makeSignedRecord({}, impostor))).toEqual(["bad_signature"]);
  });

  it("flags any change after signing", () => {
    const rec = makeSignedRecord();
    for (const change of [{ to: ["agent-c"] }, { payload: '{"sku":"A-1","qty":100}' }, { id: "other" }, { parents: ["x"] }, { timestamp: "2026-11-21T12:00:00.001Z" }]) {
      expect(names({ ...rec, ...change })).toEqual(["bad_signature"]);
    }
  });

  it("accepts a payload re-serialized in transit (whitespace, key order)", () => {
    const rec = makeSignedRecord({ payload: '{"sku":"A-1","qty":1}' });
    expect(names({ ...rec, payload: '{ "qty": 1, "sku": "A-1" }' })).toEqual([]);
  });

  it("reports a malformed signature as bad_signature with the reason", () => {
    expect(checkIdentityAndSignature({ ...makeRecord(), signature: "hmac:k:abc" }, snapshot)).toEqual([
      { verdict: "bad_signature", detail: 'unsupported signature algorithm "hmac"' },
    ]);
  });

  it("reports a payload that is not JSON as bad_signature", () => {
    const rec = { ...makeSignedRecord(), payload: "{" };
    expect(checkIdentityAndSignature(rec, snapshot)[0]?.detail).toMatch(/^payload is not valid JSON/);
  });

  it("judges the key's validity window at the record's timestamp, bounds inclusive", () => {
    const key = makeKeyPair("agent-a");
    const at = new Date(FIXTURE_TIMESTAMP);
    const withWindow = (notBefore: Date | null, notAfter: Date | null) =>
      makeSnapshot([makeAgent({ keys: [makeAgentKey(key, { notBefore, notAfter })] })]);
    const rec = makeSignedRecord();
    expect(names(rec, withWindow(at, at))).toEqual([]);
    expect(checkIdentityAndSignature(rec, withWindow(null, new Date(at.getTime() - 1)))).toEqual([
      { verdict: "expired_key", detail: "key agent-a-key expired at 2026-11-21T11:59:59.999Z; record is stamped 2026-11-21T12:00:00.000Z" },
    ]);
    expect(checkIdentityAndSignature(rec, withWindow(new Date(at.getTime() + 1), null))[0]?.detail).toBe(
      "key agent-a-key is not valid before 2026-11-21T12:00:00.001Z; record is stamped 2026-11-21T12:00:00.000Z",
    );
  });

  it("still checks the signature on an expired key", () => {
    const key = makeKeyPair("agent-a");
    const snap = makeSnapshot([makeAgent({ keys: [makeAgentKey(key, { notAfter: new Date(0) })] })]);
    expect(names({ ...makeSignedRecord(), id: "tampered" }, snap)).toEqual(["expired_key", "bad_signature"]);
  });

  it("picks the key named by the signature among several (rotation)", () => {
    const old = makeKeyPair("agent-a", "k-old");
    const next = makeKeyPair("agent-a-next", "k-new");
    const snap = makeSnapshot([makeAgent({ keys: [makeAgentKey(old, { notAfter: new Date(0) }), makeAgentKey(next)] })]);
    expect(names(makeSignedRecord({}, next), snap)).toEqual([]);
    expect(names(makeSignedRecord({}, old), snap)).toEqual(["expired_key"]);
  });

  it("reports an unusable registry key as unknown_key, not as the record's fault", () => {
    const snap = makeSnapshot([makeAgent({ keys: [{ keyId: "agent-a-key", publicKey: "short", notBefore: null, notAfter: null }] })]);
    expect(checkIdentityAndSignature(makeSignedRecord(), snap)[0]).toMatchObject({ verdict: "unknown_key" });
  });

  it("uses the injected verify function with the signing input", () => {
    const verify = vi.fn(() => false);
    expect(checkIdentityAndSignature(makeSignedRecord(), snapshot, verify).map((v) => v.verdict)).toEqual(["bad_signature"]);
    expect(verify).toHaveBeenCalledOnce();
  });
});
