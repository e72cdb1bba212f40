// Why a record is suspect on its own. Four sources, all evidence an analyst
// can check: the verdicts it got at the door, anomaly findings that name it
// (as their record or in their evidence: a storm's finding names every
// message over the limit), a compromise mark on its agent or key covering its
// time, and an analyst's mark.
import type { SuspicionReason } from "./types.ts";

/** Verdicts that say nothing against a record. */
const CLEAN_VERDICTS: ReadonlySet<string> = new Set(["verified", "pending"]);

/** An agent, or one of its keys, marked compromised from a point in time. */
export interface CompromiseMark {
  id: string;
  agent: string;
  /** null: every key of the agent (the agent itself is compromised). */
  keyId: string | null;
  /** ms since the epoch; records at or after it are covered. */
  from: number;
  reason: string;
  markedBy: string;
  markedAt: number;
}

/** What the suspicion rules read off one stored record. */
export interface RecordFacts {
  agent: string;
  keyId: string | null;
  ts: number;
  verified: boolean;
  verdicts: readonly { verdict: string; detail?: string }[];
  marks: readonly { reason: string; markedBy: string }[];
  /** Findings that name the record: as their record, or (`evidence`) among the records they rest on. */
  findings: readonly { detector: string; explanation: string; evidence?: boolean }[];
}

/** Compromise marks by agent, so each record checks only its own agent's. */
export type CompromiseIndex = ReadonlyMap<string, readonly CompromiseMark[]>;

export function indexCompromise(marks: readonly CompromiseMark[]): CompromiseIndex {
  const out = new Map<string, CompromiseMark[]>();
  for (const m of marks) {
    const list = out.get(m.agent) ?? [];
    list.push(m);
    out.set(m.agent, list);
  }
  return out;
}

const EMPTY: readonly SuspicionReason[] = Object.freeze([]);

export function suspicionOf(facts: RecordFacts, compromise: CompromiseIndex): readonly SuspicionReason[] {
  // Most records are clean: answer those without allocating (a blast radius judges 10k at a time).
  if (facts.verified && facts.verdicts.length === 0 && facts.findings.length === 0 && facts.marks.length === 0 && !compromise.has(facts.agent)) return EMPTY;
  const out: SuspicionReason[] = [];
  for (const v of verificationProblems(facts)) out.push({ kind: "verification", detail: v });
  for (const f of facts.findings) out.push({ kind: "anomaly", detail: `${f.detector}: ${f.explanation}${f.evidence ? " (named in its evidence)" : ""}`, detector: f.detector });
  for (const m of compromise.get(facts.agent) ?? []) {
    if (facts.ts < m.from) continue;
    const since = new Date(m.from).toISOString();
    if (m.keyId === null) out.push({ kind: "compromised_agent", detail: `agent ${m.agent} compromised since ${since} (${m.reason}; marked by ${m.markedBy})` });
    else if (m.keyId === facts.keyId) out.push({ kind: "compromised_key", detail: `key ${m.keyId} of ${m.agent} compromised since ${since} (${m.reason}; marked by ${m.markedBy})` });
  }
  for (const m of facts.marks) out.push({ kind: "analyst_mark", detail: `${m.reason} (marked by ${m.markedBy})` });
  return out.length === 0 ? EMPTY : out;
}

/**
 * Verdicts other than verified and pending. `unattested_agent` beside
 * `verified` is the note a registry that allows unattested agents keeps, not a
 * finding; a record that is not verified but names nothing else is still
 * waiting (pending) and is not held against it.
 */
function verificationProblems(facts: RecordFacts): string[] {
  const out: string[] = [];
  for (const v of facts.verdicts) {
    if (CLEAN_VERDICTS.has(v.verdict)) continue;
    if (facts.verified && v.verdict === "unattested_agent") continue;
    out.push(v.detail ? `${v.verdict}: ${v.detail}` : v.verdict);
  }
  if (!facts.verified && out.length === 0 && !facts.verdicts.some((v) => v.verdict === "pending")) out.push("not verified");
  return out;
}
