// The chaos table: one row per (scenario, fault) with what the door caught
// and, once an engine exists, when a breaker tripped and how much of what
// followed was tainted before it did. Until then those columns say so; a
// fault only an engine can see shows as not yet detected, never as caught.
import type { FaultScore, RunScore } from "./score.ts";

/** What an engine reports about one fault of a run; null when there is no engine to ask. */
export interface EngineObservation {
  /** From the fault's first record to the first breaker trip on an edge it touched, ms; null: no trip. */
  breakerTripMs: number | null;
  /** Downstream decisions (actions, approvals, state versions) made before containment / all downstream decisions. */
  taintedShare: number | null;
}

export interface EngineObserver {
  /** False until Firebreak has an engine whose breakers can be read. */
  readonly available: boolean;
  observe(namespace: string, fault: FaultScore): Promise<EngineObservation | null>;
}

export const NO_ENGINE: EngineObserver = {
  available: false,
  observe: async () => null,
};

export interface ChaosRow {
  scenario: string;
  fault: string;
  variant: string;
  detection: "door" | "engine";
  injected: string;
  flagged: string;
  firstFlag: string;
  breakerTrip: string;
  tainted: string;
  falseFlags: string;
}

const NO_ENGINE_YET = "n/a (no engine yet)";

export function chaosRow(scenario: string, f: FaultScore, corrupted: number, score: RunScore, engine: EngineObservation | null, engineAvailable: boolean): ChaosRow {
  const injected = !f.fired ? "did not fire" : corrupted > 0 ? `${f.injected} + ${corrupted} corrupted` : f.injected === 0 ? "0 (no records)" : String(f.injected);
  const share = f.injected === 0 ? "" : ` (${Math.round((100 * f.flagged) / f.injected)}%)`;
  const flagged = f.injected === 0 ? "-" : `${f.flagged}/${f.injected}${share}`;
  let firstFlag: string;
  if (f.firstFlagMs !== null) firstFlag = `${f.firstFlagMs} ms`;
  else if (f.detection === "engine") firstFlag = "not yet detected";
  else firstFlag = f.fired ? "never flagged" : "-";
  const breakerTrip = !engineAvailable ? NO_ENGINE_YET : engine?.breakerTripMs == null ? "no trip" : `${engine.breakerTripMs} ms`;
  const tainted = !engineAvailable ? NO_ENGINE_YET : engine?.taintedShare == null ? "-" : `${Math.round(engine.taintedShare * 100)}%`;
  return {
    scenario,
    fault: f.fault,
    variant: f.variant,
    detection: f.detection,
    injected,
    flagged,
    firstFlag,
    breakerTrip,
    tainted,
    falseFlags: `${score.clean.flagged}/${score.clean.total}`,
  };
}

const COLUMNS: readonly [keyof ChaosRow, string][] = [
  ["scenario", "scenario"],
  ["fault", "fault"],
  ["variant", "variant"],
  ["detection", "seen by"],
  ["injected", "records injected"],
  ["flagged", "flagged at door"],
  ["firstFlag", "time to first flag"],
  ["breakerTrip", "time to breaker trip"],
  ["tainted", "tainted before containment"],
  ["falseFlags", "clean flagged"],
];

/** A plain-text table, columns padded to their widest cell. */
export function formatTable(rows: readonly ChaosRow[]): string {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((r) => r[key].length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(COLUMNS.map(([, t]) => t)), line(widths.map((w) => "-".repeat(w))), ...rows.map((r) => line(COLUMNS.map(([k]) => r[k])))].join("\n");
}
