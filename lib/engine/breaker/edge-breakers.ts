// Breakers for a whole system: one per directed edge (sender -> receiver) of
// the message graph. Feeds each record to the breakers of its edges, in time
// order, and collects what changed. Pure; breaker-runner.ts does the I/O.
import type { Edge } from "./config.ts";
import { newBreaker, step, type BreakerInput, type BreakerMachine, type BreakerTransition, type Decision, type StepContext } from "./machine.ts";
import type { FailureReason } from "./outcome-window.ts";

/** Verdicts that are no finding against a record (see docs/protocol.md). */
const CLEAN: ReadonlySet<string> = new Set(["verified", "pending"]);

/** A stored record as the breakers see it. */
export interface ObservedRecord {
  recordId: string;
  agent: string;
  receivers: readonly string[];
  /** ms since the epoch. */
  at: number;
  verified: boolean;
  verdicts: readonly string[];
  /** A detector found it anomalous. */
  anomalous: boolean;
}

export interface EdgeBreaker extends Edge {
  machine: BreakerMachine;
}

export interface EdgeTransition extends BreakerTransition, Edge {}

export interface EdgeDecision extends Edge {
  recordId: string;
  decision: Decision;
  /** The breaker was in dry run: the decision is what it measured, nothing was blocked. */
  dryRun: boolean;
}

export const breakerKey = (e: Edge): string => `${e.sender}\u0000${e.receiver}`;

/**
 * A record fails when it failed verification (a verdict other than verified
 * or pending; `unattested_agent` beside `verified` is a note) or when it was
 * found anomalous. A record still pending is not held against its edge yet.
 */
export function failureOf(r: Pick<ObservedRecord, "verified" | "verdicts" | "anomalous">): FailureReason[] {
  const out: FailureReason[] = [];
  const problems = r.verdicts.filter((v) => !CLEAN.has(v) && !(r.verified && v === "unattested_agent"));
  if (problems.length > 0 || (!r.verified && r.verdicts.length === 0)) out.push("verification");
  if (r.anomalous) out.push("anomaly");
  return out;
}

export interface ObserveResult {
  /** Breakers whose state changed (new ones included), by breakerKey. */
  changed: Map<string, EdgeBreaker>;
  transitions: EdgeTransition[];
  decisions: EdgeDecision[];
}

/**
 * Feeds records (in time order; ties keep their order) to the breakers of
 * their edges. `current` holds the breakers there are; an edge without one
 * gets a new breaker as of its first record.
 */
export function observe(current: ReadonlyMap<string, EdgeBreaker>, records: readonly ObservedRecord[], settings: (edge: Edge) => StepContext): ObserveResult {
  const changed = new Map<string, EdgeBreaker>();
  const transitions: EdgeTransition[] = [];
  const decisions: EdgeDecision[] = [];
  const ordered = records.map((r, i) => ({ r, i })).sort((a, b) => a.r.at - b.r.at || a.i - b.i);
  for (const { r } of ordered) {
    if (!Number.isFinite(r.at)) continue;
    const failure = failureOf(r);
    for (const receiver of new Set(r.receivers)) {
      const edge = { sender: r.agent, receiver };
      const key = breakerKey(edge);
      const ctx = settings(edge);
      const before = changed.get(key) ?? current.get(key) ?? { ...edge, machine: newBreaker(ctx.config, r.at) };
      const res = step(before.machine, { type: "record", at: r.at, recordId: r.recordId, failure }, ctx);
      changed.set(key, { ...edge, machine: res.machine });
      for (const t of res.transitions) transitions.push({ ...t, ...edge });
      if (res.decision) decisions.push({ ...edge, recordId: r.recordId, decision: res.decision, dryRun: before.machine.state === "METRICS_ONLY" });
    }
  }
  return { changed, transitions, decisions };
}

/** Lets time pass for every breaker: open periods that ran out turn half-open. */
export function tick(current: ReadonlyMap<string, EdgeBreaker>, at: number, settings: (edge: Edge) => StepContext): ObserveResult {
  const changed = new Map<string, EdgeBreaker>();
  const transitions: EdgeTransition[] = [];
  for (const [key, b] of current) {
    const res = step(b.machine, { type: "tick", at }, settings(b));
    if (res.transitions.length === 0) continue;
    changed.set(key, { ...b, machine: res.machine });
    for (const t of res.transitions) transitions.push({ ...t, sender: b.sender, receiver: b.receiver });
  }
  return { changed, transitions, decisions: [] };
}

export type OperatorInput = Exclude<BreakerInput, { type: "record" } | { type: "tick" }>;

/** A human action on one edge's breaker (kill switch, dry run, review, reset). */
export function operate(
  existing: EdgeBreaker | undefined,
  edge: Edge,
  input: OperatorInput,
  ctx: StepContext,
): { breaker: EdgeBreaker; transitions: EdgeTransition[]; rejected: string | null } {
  const before = existing ?? { ...edge, machine: newBreaker(ctx.config, input.at) };
  const res = step(before.machine, input, ctx);
  return {
    breaker: { sender: edge.sender, receiver: edge.receiver, machine: res.machine },
    transitions: res.transitions.map((t) => ({ ...t, sender: edge.sender, receiver: edge.receiver })),
    rejected: res.rejected,
  };
}
