// The engine's false flags, one by one: every clean record of a run (no
// fault touched it or its ancestry) that a finding names, with what the
// finding said and which of its rules fired, and whether the record sits
// upstream of a fault (a fault's records descend from it, so a flag there
// masks the fault's origin) or is wholly unrelated. Pure: the observer
// fetches the findings, this joins them to the ground truth.
import type { GroundTruth } from "./ground-truth.ts";
import { parentIndex } from "./engine-score.ts";

export type FindingParam = number | string | boolean | null;

/** A finding as the chaos observer reads it. */
export interface EngineFinding {
  detector: string;
  recordId: string | null;
  evidence: readonly string[];
  /** The finding's record time, epoch ms. */
  at: number;
  /** What was measured (a field path, an agent); absent from sources that do not give it. */
  subject?: string;
  explanation?: string;
  params?: Readonly<Record<string, FindingParam>>;
}

/** One clean record named by one finding. */
export interface CleanFlag {
  recordId: string;
  agent: string;
  kind: string;
  intent: string | null;
  detector: string;
  subject: string;
  /** The rule that fired (the finding's `rule` parameter), or the detector's name when it has one rule. */
  rule: string;
  explanation: string;
  /** The finding is about the record, or names it among the records it rests on. */
  named: "record" | "evidence";
  /** `upstream`: some fault's records descend from it (a flag here can mask an origin); `unrelated`: none do. */
  relation: "upstream" | "unrelated";
  params: Readonly<Record<string, FindingParam>>;
}

export interface CleanFlagged {
  /** Distinct clean records named by any finding. */
  flagged: number;
  total: number;
  /** Distinct clean records per detector. */
  byDetector: Record<string, number>;
  /** Distinct clean records per `detector/rule`. */
  byRule: Record<string, number>;
  flags: CleanFlag[];
}

/** The ids some fault's own records descend from (their ancestors by declared parents, themselves left out). */
export function upstreamOfFaults(truth: GroundTruth): Set<string> {
  const parents = parentIndex(truth);
  const own = new Set(truth.faults.flatMap((f) => [...f.injected, ...f.corrupted].map((r) => r.id)));
  // One walk up from every fault record at once, breadth-first with an explicit queue.
  const seen = new Set(own);
  const queue = [...own];
  for (let i = 0; i < queue.length; i++) {
    for (const p of parents.get(queue[i]!) ?? []) {
      if (seen.has(p)) continue;
      seen.add(p);
      queue.push(p);
    }
  }
  for (const id of own) seen.delete(id);
  return seen;
}

/** Clean records of the run a finding names, as its record or in its evidence (lineage counts both as suspect). */
export function cleanFlags(truth: GroundTruth, findings: readonly EngineFinding[]): CleanFlagged {
  const byId = new Map(truth.records.map((r) => [r.id, r]));
  const clean = new Set(truth.records.filter((r) => r.status === "clean").map((r) => r.id));
  // An id with a tainted copy (a replay's original) is not clean as a node.
  for (const r of truth.records) if (r.status !== "clean") clean.delete(r.id);
  const upstream = upstreamOfFaults(truth);
  const flags: CleanFlag[] = [];
  const byDetector = new Map<string, Set<string>>();
  const byRule = new Map<string, Set<string>>();
  const all = new Set<string>();
  const note = (m: Map<string, Set<string>>, k: string, id: string) => m.set(k, (m.get(k) ?? new Set()).add(id));
  for (const f of findings) {
    const named = new Set(f.recordId === null ? f.evidence : [f.recordId, ...f.evidence]);
    const rule = typeof f.params?.rule === "string" ? f.params.rule : f.detector;
    for (const id of named) {
      if (!clean.has(id)) continue;
      const r = byId.get(id)!;
      all.add(id);
      note(byDetector, f.detector, id);
      note(byRule, `${f.detector}/${rule}`, id);
      flags.push({
        recordId: id,
        agent: r.agent,
        kind: r.kind,
        intent: r.intent,
        detector: f.detector,
        subject: f.subject ?? "",
        rule,
        explanation: f.explanation ?? "",
        named: id === f.recordId ? "record" : "evidence",
        relation: upstream.has(id) ? "upstream" : "unrelated",
        params: f.params ?? {},
      });
    }
  }
  const counts = (m: Map<string, Set<string>>) => Object.fromEntries([...m].map(([k, ids]) => [k, ids.size] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { flagged: all.size, total: clean.size, byDetector: counts(byDetector), byRule: counts(byRule), flags };
}

/** "semantic_deviation/magnitude_bound views 12": clean flags counted by detector, rule and field (the subject's last word). */
export function cleanFlagSummary(flags: readonly CleanFlag[]): [string, number][] {
  const seen = new Map<string, Set<string>>();
  for (const f of flags) {
    const field = f.detector === "semantic_deviation" ? (f.subject.split(" ").pop() ?? f.subject) : "";
    const key = `${f.detector}/${f.rule}${field ? ` ${field}` : ""}`;
    seen.set(key, (seen.get(key) ?? new Set()).add(f.recordId));
  }
  return [...seen].map(([k, ids]) => [k, ids.size] as [string, number]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
