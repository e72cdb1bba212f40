// A seed reproduces a run: same record ids, nonces, payloads, signatures (in
// virtual time) and the same ground truth, fault effects included.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeGroundTruth } from "@/lib/sim/ground-truth-file.ts";
import { reproducible } from "@/lib/sim/ground-truth.ts";
import { SCENARIOS } from "@/lib/sim/scenarios/index.ts";
import { virtualRun } from "./fixtures.ts";

const FAULTS = ["spoof@20m", "poisoned-feed@30m,duration=30m", "replay@40m", "key-compromise@50m", "fan-out-storm@60m,count=5", "feedback-loop@70m", "injection@80m,variant=free-text", "agent-crash@90m,duration=10m"];

describe("determinism", () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: the same seed gives the same records and ground truth`, async () => {
      const opts = { scenario: scenario.name, seed: "repeat-me", duration: 2 * 3_600_000, faults: FAULTS };
      const a = await virtualRun(opts);
      const b = await virtualRun(opts);
      expect(a.records.length).toBeGreaterThan(20);
      expect(b.records).toEqual(a.records);
      expect(reproducible(b.result.truth)).toEqual(reproducible(a.result.truth));
    });
  }

  it("the ground-truth files of two runs with one seed are equal byte for byte", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fb-truth-"));
    const opts = { scenario: "procurement", seed: "bytes", namespace: "bytes", duration: 3_600_000, faults: FAULTS.slice(0, 4) };
    const files = [];
    for (const name of ["a", "b"]) {
      const { result } = await virtualRun(opts);
      const file = path.join(dir, `${name}.json`);
      await writeGroundTruth(file, result.truth);
      files.push(readFileSync(file));
    }
    const [a, b] = files as [Buffer, Buffer];
    expect(a.length).toBeGreaterThan(1_000);
    expect(b.equals(a)).toBe(true);
    const truth = JSON.parse(a.toString("utf8")) as { faults: { fired: boolean }[] };
    expect(truth.faults.map((f) => f.fired)).toEqual([true, true, true, true]);
  });

  it("a different seed gives a different run", async () => {
    const a = await virtualRun({ seed: "one", duration: 3_600_000 });
    const b = await virtualRun({ seed: "two", duration: 3_600_000 });
    expect(b.records.map((r) => r.id)).not.toEqual(a.records.map((r) => r.id));
  });

  it("a different namespace gives different agents, keys and ids for the same seed", async () => {
    const a = await virtualRun({ namespace: "n1", duration: 3_600_000 });
    const b = await virtualRun({ namespace: "n2", duration: 3_600_000 });
    expect(a.run.fleet.entries.map((e) => e.id)).toContain("n1.recommender");
    expect(b.run.fleet.entries.map((e) => e.id)).toContain("n2.recommender");
    const seen = new Set(a.records.map((r) => r.nonce));
    expect(b.records.filter((r) => seen.has(r.nonce))).toEqual([]);
  });

  it("live mode keeps ids and payloads, only timestamps and signatures follow the wall clock", async () => {
    const { createRun } = await import("@/lib/sim/runner.ts");
    const { memorySink, recordsFromSpans } = await import("@/lib/sim/sink.ts");
    const live = async (wallStart: number) => {
      const { sink, exporter } = memorySink();
      let now = wallStart;
      const run = createRun({ scenario: "procurement", seed: "wall", namespace: "w", duration: 3_600_000, clock: { mode: "live", wall: { now: () => now++, sleep: async () => {} } }, sink });
      await run.start();
      return recordsFromSpans(exporter.getFinishedSpans());
    };
    const a = await live(Date.UTC(2026, 5, 1));
    const b = await live(Date.UTC(2026, 5, 2));
    const strip = (r: (typeof a)[number]) => ({ ...r, timestamp: "", signature: "" });
    expect(b.map(strip)).toEqual(a.map(strip));
    expect(b[0]?.timestamp).not.toEqual(a[0]?.timestamp);
  });
});
