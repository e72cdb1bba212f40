import { describe, expect, it } from "vitest";
import { GENESIS_HASH, findChainBreak, nextAuditEntry, type AuditEntry, type AuditInput } from "../../../lib/audit/audit-chain.ts";

function input(n: number): AuditInput {
  return { actor: `user${n}`, action: "kill.agent", target: `agent:a${n}`, detail: { reason: `r${n}` } };
}

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i++) out.push(nextAuditEntry(out.at(-1) ?? null, input(i), new Date(Date.UTC(2026, 11, 5, 0, 0, i))));
  return out;
}

describe("audit chain", () => {
  it("starts from the genesis hash and links each entry to the one before", () => {
    const c = chain(3);
    expect(c[0]?.prevHash).toBe(GENESIS_HASH);
    expect(c[1]?.prevHash).toBe(c[0]?.hash);
    expect(c.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(findChainBreak(c)).toBeNull();
  });

  it("an empty log is whole", () => {
    expect(findChainBreak([])).toBeNull();
  });

  it("names an altered entry", () => {
    const c = chain(5);
    c[2] = { ...c[2]!, detail: { reason: "changed later" } };
    expect(findChainBreak(c)).toMatchObject({ kind: "altered", seq: 3 });
  });

  it("names a removed entry", () => {
    const c = chain(5);
    c.splice(1, 1);
    expect(findChainBreak(c)).toMatchObject({ kind: "missing", seq: 2 });
  });

  it("names a removed tail entry replaced by a re-hashed forgery", () => {
    const c = chain(4);
    // A forger rewrites entry 3 and recomputes its hash, but entry 4 still chains from the original.
    const forged = nextAuditEntry(c[1]!, { ...input(99) }, new Date(c[2]!.at));
    c[2] = forged;
    expect(findChainBreak(c)).toMatchObject({ kind: "missing", seq: 4 });
  });

  it("names reordered entries", () => {
    const c = chain(4);
    const swapped = [c[0]!, c[2]!, c[1]!, c[3]!];
    expect(findChainBreak(swapped)?.kind).toMatch(/missing|reordered/);
    expect(findChainBreak([c[0]!, c[1]!, c[1]!])).toMatchObject({ kind: "reordered", seq: 2 });
  });

  it("resumes from a trusted checkpoint", () => {
    const c = chain(6);
    expect(findChainBreak(c.slice(3), c[2]!)).toBeNull();
    expect(findChainBreak(c.slice(4), c[2]!)).toMatchObject({ kind: "missing", seq: 4 });
  });
});
