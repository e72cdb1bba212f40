import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GroundTruth } from "@/lib/sim/ground-truth.ts";
import { defaultTruthPath, readGroundTruth, writeGroundTruth } from "@/lib/sim/ground-truth-file.ts";
import { virtualRun } from "./fixtures.ts";

const dir = mkdtempSync(path.join(tmpdir(), "fb-truth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ground truth", () => {
  it("parses with its schema and round-trips through a file", async () => {
    const { result } = await virtualRun({ faults: ["poisoned-feed@30m", "spoof@40m", "agent-crash@50m,duration=10m"], duration: 2 * 3_600_000 });
    const truth = result.truth;
    expect(GroundTruth.safeParse(truth).success).toBe(true);
    const file = path.join(dir, "run.json");
    await writeGroundTruth(file, truth);
    expect(await readGroundTruth(file)).toEqual(truth);
  });

  it("accounts for every record exactly once", async () => {
    const { result, records } = await virtualRun({ faults: ["key-compromise@30m", "replay@40m"], duration: 2 * 3_600_000 });
    const t = result.truth;
    expect(t.records).toHaveLength(records.length);
    expect(t.counts.records).toBe(records.length);
    expect(t.counts.clean + t.counts.injected + t.counts.corrupted + t.counts.downstream).toBe(t.counts.records);
    const handles = t.records.map((r) => `${r.id}#${r.copy}`);
    expect(new Set(handles).size).toBe(handles.length);
  });

  it("lists a fault's downstream records among the records it descends to, and marks them", async () => {
    const { result } = await virtualRun({ faults: ["poisoned-feed@30m"], duration: 2 * 3_600_000 });
    const f = result.truth.faults[0]!;
    const byHandle = new Map(result.truth.records.map((r) => [`${r.id}#${r.copy}`, r]));
    for (const ref of [...f.downstream.messages, ...f.downstream.actions, ...f.downstream.reads]) {
      const r = byHandle.get(`${ref.id}#${ref.copy}`);
      expect(r?.status).toBe("downstream");
      expect(r?.faults).toContain(f.id);
    }
    for (const v of f.downstream.stateVersions) expect(byHandle.get(`${v.record}#0`)?.kind).toBe("state.write");
  });

  it("refuses a file that is not a ground truth", async () => {
    const file = path.join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ version: 1, scenario: "x" }));
    await expect(readGroundTruth(file)).rejects.toThrow(/not a ground-truth file/);
  });

  it("names files after the scenario and namespace, safely", () => {
    expect(defaultTruthPath({ scenario: "procurement", namespace: "demo/../x" }, "out")).toBe(path.join("out", "procurement-demo_.._x.json"));
  });
});
