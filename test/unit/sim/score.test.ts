import { describe, expect, it } from "vitest";
import { isFlagged, matchStored, scoreRun } from "@/lib/sim/score.ts";
import type { StoredVerdict } from "@/lib/sim/verdicts.ts";
import { judgeAtTheDoor } from "./door-emulator.ts";
import { virtualRun } from "./fixtures.ts";

const row = (id: string, seq: number, verdicts: string[], receivedAt = 0): StoredVerdict => ({ id, seq: BigInt(seq), agent: "a", verdicts, receivedAt, ts: receivedAt, receivers: [] });

describe("matching stored rows to records", () => {
  it("takes the n-th stored row with an id as copy n, in storage order", () => {
    const m = matchStored([row("x", 9, ["replay"]), row("y", 2, ["verified"]), row("x", 3, ["verified"])]);
    expect(m.get("x#0")?.verdicts).toEqual(["verified"]);
    expect(m.get("x#1")?.verdicts).toEqual(["replay"]);
    expect(m.get("y#0")?.seq).toBe(2n);
  });

  it("counts pending as not judged yet, and anything without verified as flagged", () => {
    expect(isFlagged(["verified"])).toBe(false);
    expect(isFlagged(["verified", "unattested_agent"])).toBe(false);
    expect(isFlagged(["pending"])).toBe(false);
    expect(isFlagged(["unattested_agent"])).toBe(true);
    expect(isFlagged(["replay"])).toBe(true);
    expect(isFlagged([])).toBe(true);
  });
});

describe("scoreRun", () => {
  it("scores a run against the verdicts it got", async () => {
    const v = await virtualRun({ faults: ["replay@40m:recommender", "spoof@50m", "poisoned-feed@60m"], duration: 2 * 3_600_000 });
    const judged = judgeAtTheDoor(v.records, v.run.fleet.snapshot);
    const stored = judged.map((j, i) => row(j.record.id, i + 1, j.verdicts, 1_000 + i));
    const emitted = new Map(v.result.truth.records.map((r, i) => [`${r.id}#${r.copy}`, 1_000 + i - 5]));
    const s = scoreRun(v.result.truth, stored, (h) => emitted.get(h));
    expect(s.missing).toBe(0);
    expect(s.pending).toBe(0);
    expect(s.clean.falseFlags).toEqual([]);
    const [replay, spoof, feed] = s.faults;
    expect(replay).toMatchObject({ fault: "replay", injected: 1, stored: 1, flagged: 1, expected: 1, firstFlagMs: 5, missed: [] });
    expect(spoof).toMatchObject({ fault: "spoof", injected: 3, flagged: 3, expected: 3 });
    expect(feed).toMatchObject({ fault: "poisoned-feed", detection: "engine", injected: 0, flagged: 0, firstFlagMs: null });
    expect(feed!.downstream).toBeGreaterThan(0);
  });

  it("reports what is missing and what passed a door it should not have", async () => {
    const v = await virtualRun({ faults: ["spoof@50m"], duration: 3_600_000 });
    const f = v.result.truth.faults[0]!;
    const stored = v.result.truth.records
      .filter((r) => r.id !== f.injected[2]!.id)
      .map((r, i) => row(r.id, i, f.injected[0]!.id === r.id ? ["verified"] : r.status === "clean" ? ["verified"] : ["unknown_agent"]));
    const s = scoreRun(v.result.truth, stored);
    expect(s.missing).toBe(1);
    expect(s.faults[0]).toMatchObject({ injected: 3, stored: 2, flagged: 1, missed: [f.injected[0]] });
  });
});
