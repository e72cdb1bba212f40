// The chaos table: one row per (scenario, fault) with what the door caught
// and what the engine made of it: when it first flagged the fault's records,
// when a breaker tripped and how much of what followed was decided before it
// did, whether lineage traced the fault back to where it entered, and how
// well its blast radius matches what the fault really reached. Without an
// engine those columns say so; a fault only an engine can see shows as not
// yet detected, never as caught.
import type { CleanFlagged } from "./clean-flags.ts";
import type { ContainmentShares } from "./containment.ts";
import type { OriginCheck, PrecisionRecall } from "./engine-score.ts";
import type { FaultTruth, GroundTruth } from "./ground-truth.ts";
import type { FaultScore, RunScore } from "./score.ts";
import type { StoredVerdict } from "./verdicts.ts";

/** What an engine reports about one fault of a run, scored against the ground truth. */
export interface EngineObservation {
  /** From the fault's first record to the first finding or trip naming one of its records, record time, ms; null: never flagged. */
  firstFlagMs: number | null;
  /** The detector of that first flag (`breaker` for a trip). */
  firstFlagBy: string | null;
  /** Every detector (or `breaker`) that named one of the fault's records after it began. */
  flaggedBy: string[];
  /** Clean records of the run a finding names: the engine's false flags, by detector and rule, each with what was said (clean-flags.ts). */
  cleanFlagged: CleanFlagged;
  /** From the fault's first record to the first trip to OPEN on an edge its records travelled, record time, ms; null: no trip. */
  breakerTripMs: number | null;
  /** From that trip to the run's guards refusing on the tripped edge (runs that obey the control plane); null: not enforced or no trip. */
  enforcementMs: number | null;
  /**
   * Downstream decisions (actions, state writes) made before a trip on their
   * path / all downstream decisions; null: none. A counterfactual: what
   * instant enforcement of every trip would have let through.
   */
  taintedShare: number | null;
  /** Origin traces from each downstream record (or the fault's last record) that named a true origin. */
  origin: { found: number; total: number; misses: OriginCheck[] };
  /** The blast radius from the true origins against the ground truth's downstream, by record id. */
  blast: PrecisionRecall & { extra: string[]; missed: string[]; truncated: string[] };
}

/** One run's fault as the observer needs it: the truth, the door's score and what Firebreak stored. */
export interface ObservedRun {
  namespace: string;
  truth: GroundTruth;
  fault: FaultTruth;
  score: FaultScore;
  stored: readonly StoredVerdict[];
  /** Edge -> wall ms when the run's guards first refused it; only for runs on the control plane. */
  firstRefused?: ReadonlyMap<string, number>;
}

export interface EngineObserver {
  /** False when there is no engine to ask. */
  readonly available: boolean;
  observe(run: ObservedRun): Promise<EngineObservation | null>;
  /** For a run whose guards obeyed the control plane: from the first trip on the fault's path to the guards refusing on it, wall ms. */
  enforcement(run: ObservedRun & { firstRefused: ReadonlyMap<string, number> }): Promise<number | null>;
  /** Resolves once the engine has judged every stored record of these agents. */
  caughtUp(agents: readonly string[]): Promise<void>;
}

export const NO_ENGINE: EngineObserver = {
  available: false,
  observe: async () => null,
  enforcement: async () => null,
  caughtUp: async () => {},
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
  enforced: string;
  tainted: string;
  poisonedUncontained: string;
  poisonedEnforced: string;
  origin: string;
  blast: string;
  falseFlags: string;
  engineFalseFlags: string;
}

const NO_ENGINE_TEXT = "n/a (no engine)";

/** What the enforced twin adds to a row: containment shares, and the trip-to-enforcement time (undefined: no twin was run). */
export interface RowContainment {
  containment: ContainmentShares;
  enforcementMs: number | null | undefined;
}

const pct = (x: number | null): string => (x === null ? "-" : `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`);

export function chaosRow(
  scenario: string,
  f: FaultScore,
  corrupted: number,
  score: RunScore,
  engine: EngineObservation | null,
  engineAvailable: boolean,
  contained?: RowContainment,
): ChaosRow {
  const injected = !f.fired ? "did not fire" : corrupted > 0 ? `${f.injected} + ${corrupted} corrupted` : f.injected === 0 ? "0 (no records)" : String(f.injected);
  const share = f.injected === 0 ? "" : ` (${Math.round((100 * f.flagged) / f.injected)}%)`;
  const flagged = f.injected === 0 ? "-" : `${f.flagged}/${f.injected}${share}`;
  let firstFlag: string;
  if (f.firstFlagMs !== null) firstFlag = `${f.firstFlagMs} ms`;
  else if (!f.fired) firstFlag = "-";
  else if (engineAvailable && engine?.firstFlagMs != null) firstFlag = `${engine.firstFlagMs} ms (${engine.firstFlagBy ?? "engine"})`;
  else if (engineAvailable) firstFlag = f.detection === "engine" ? "not detected" : "never flagged";
  else firstFlag = f.detection === "engine" ? "not yet detected" : "never flagged";
  const breakerTrip = !engineAvailable ? NO_ENGINE_TEXT : engine?.breakerTripMs == null ? "no trip" : `${engine.breakerTripMs} ms`;
  const enforcementMs = contained?.enforcementMs;
  const enforced = !engineAvailable ? NO_ENGINE_TEXT : enforcementMs === undefined ? "not run" : enforcementMs === null ? "-" : `${enforcementMs} ms`;
  const shares = contained?.containment;
  const poisonedUncontained = !shares || shares.uncontained === null ? "-" : `${pct(shares.uncontained)} (${shares.poisonedUncontained}/${shares.decisions})`;
  const poisonedEnforced = contained?.enforcementMs === undefined ? "not run" : !shares || shares.enforced === null ? "-" : `${pct(shares.enforced)} (${shares.poisonedEnforced}/${shares.decisions})`;
  const tainted = !engineAvailable ? NO_ENGINE_TEXT : engine?.taintedShare == null ? "-" : `${Math.round(engine.taintedShare * 100)}%`;
  const origin = !engineAvailable ? NO_ENGINE_TEXT : !engine || engine.origin.total === 0 ? "-" : `${engine.origin.found}/${engine.origin.total}`;
  const blast = !engineAvailable ? NO_ENGINE_TEXT : !engine ? "-" : formatBlast(engine.blast);
  return {
    scenario,
    fault: f.fault,
    variant: f.variant,
    detection: f.detection,
    injected,
    flagged,
    firstFlag,
    breakerTrip,
    enforced,
    tainted,
    poisonedUncontained,
    poisonedEnforced,
    origin,
    blast,
    falseFlags: `${score.clean.flagged}/${score.clean.total}`,
    engineFalseFlags: !engineAvailable ? NO_ENGINE_TEXT : !engine ? "-" : `${engine.cleanFlagged.flagged}/${engine.cleanFlagged.total}`,
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
  ["enforced", "trip to enforcement"],
  ["tainted", "tainted before trip"],
  ["poisonedUncontained", "poisoned uncontained"],
  ["poisonedEnforced", "poisoned enforced"],
  ["origin", "origin found"],
  ["blast", "blast radius P/R"],
  ["falseFlags", "clean flagged"],
  ["engineFalseFlags", "clean flagged by engine"],
];

const ratio = (x: number | null): string => (x === null ? "-" : x.toFixed(2));

/** "precision/recall (true downstream records)"; "-" where a side is empty, so an empty truth with nothing found reads "-/- (0)". */
export function formatBlast(b: PrecisionRecall): string {
  return `${ratio(b.precision)}/${ratio(b.recall)} (${b.truth})`;
}

/** A plain-text table, columns padded to their widest cell. */
export function formatTable(rows: readonly ChaosRow[]): string {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((r) => r[key].length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(COLUMNS.map(([, t]) => t)), line(widths.map((w) => "-".repeat(w))), ...rows.map((r) => line(COLUMNS.map(([k]) => r[k])))].join("\n");
}
