import { describe, expect, it } from "vitest";
import { GENESIS_HASH } from "@/lib/audit/audit-chain.ts";
import { checkpointChainProblem, checkpointDue, checkpointSignatureProblem, checkpointStatement, signCheckpoint } from "@/lib/audit/checkpoint.ts";
import { instanceKeyFromSeed } from "@/lib/config/instance-key.ts";
import { generateKeyPair } from "@/lib/protocol/keys.ts";

const key = instanceKeyFromSeed(generateKeyPair().privateKey);
const other = instanceKeyFromSeed(generateKeyPair().privateKey);
const entry = { seq: 42, hash: "ab".repeat(32) };
const at = new Date("2026-12-05T10:00:00.000Z");
const policy = { everyMs: 300_000, everyEntries: 1_000 };

describe("audit checkpoints", () => {
  it("signs a canonical statement naming the key, and verifies with the instance key only", () => {
    const cp = signCheckpoint(entry, at, key);
    expect(checkpointStatement(cp).toString()).toBe(
      `{"_type":"https://firebreak.dev/audit-checkpoint/v1","at":"2026-12-05T10:00:00.000Z","hash":"${entry.hash}","keyId":"${key.keyId}","seq":42}`,
    );
    expect(checkpointSignatureProblem(cp, key)).toBeNull();
    expect(checkpointSignatureProblem(cp, other)).toMatchObject({ kind: "wrong_key", seq: 42 });
    // Signed by another key under this key's id: forged.
    expect(checkpointSignatureProblem(signCheckpoint(entry, at, { ...other, keyId: key.keyId }), key)).toMatchObject({ kind: "forged" });
    for (const edit of [{ seq: 43 }, { hash: GENESIS_HASH }, { at: "2026-12-05T10:00:00.001Z" }, { signature: "x" }]) {
      expect(checkpointSignatureProblem({ ...cp, ...edit }, key)).toMatchObject({ kind: "forged" });
    }
  });

  it("agrees with the chain only when the entry still has the signed hash", () => {
    const cp = signCheckpoint(entry, at, key);
    expect(checkpointChainProblem(cp, entry)).toBeNull();
    expect(checkpointChainProblem(cp, { seq: 42, hash: "cd".repeat(32) })).toMatchObject({ kind: "rewritten", seq: 42 });
    expect(checkpointChainProblem(cp, null)).toMatchObject({ kind: "truncated", seq: 42 });
  });

  it("is due every 5 minutes or 1,000 entries, never with nothing new", () => {
    const last = { seq: 100, at: at.toISOString() };
    const later = (ms: number) => new Date(at.getTime() + ms);
    expect(checkpointDue(null, null, at, policy)).toBe(false);
    expect(checkpointDue(null, { seq: 1 }, at, policy)).toBe(true);
    expect(checkpointDue(last, { seq: 100 }, later(3_600_000), policy)).toBe(false);
    expect(checkpointDue(last, { seq: 101 }, later(299_999), policy)).toBe(false);
    expect(checkpointDue(last, { seq: 101 }, later(300_000), policy)).toBe(true);
    expect(checkpointDue(last, { seq: 1_099 }, later(1), policy)).toBe(false);
    expect(checkpointDue(last, { seq: 1_100 }, later(1), policy)).toBe(true);
  });
});
