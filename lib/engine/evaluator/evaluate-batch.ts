// One batch of newly stored records through the engine's judgement, as a
// pure function: detectors and caps produce findings, findings make records
// anomalous, and every message becomes an observation for its edges'
// breakers. The caller does the I/O (lib/engine/evaluator/evaluator.ts).
import { z } from "zod";
import { CapsParams, checkCaps, PER_CYCLE_CAPS } from "../caps/caps.ts";
import { failureOf, type ObservedRecord } from "../breaker/edge-breakers.ts";
import { FeedbackLoopParams, seriesOf } from "../detectors/feedback-loop.ts";
import { subjectMismatch } from "../detectors/subject-mismatch.ts";
import { firstAfter, lazyWindow, prepareWindow, type DetectorWindow, type Finding, type WindowRecord } from "../detectors/finding.ts";
import { DetectorParams, runDetectors } from "../detectors/run-detectors.ts";
import type { KeptBaselines } from "../detectors/run-detectors.ts";
import type { CachedRecord } from "./history-cache.ts";
import { impactOf, type AgentGraph } from "./impact.ts";
import { readBackExplains, windowRecord } from "./read-back-explains.ts";
import { verificationFindings } from "./verification-findings.ts";

export const EngineParams = z
  .object({
    detectors: DetectorParams.default(DetectorParams.parse({})),
    caps: CapsParams.partial().default({}),
  })
  .strict();
export type EngineParams = z.infer<typeof EngineParams>;

export interface EvalRecord extends WindowRecord {
  seq: string;
  verified: boolean;
  verdicts: readonly string[];
  parents: readonly string[];
  /** When the collector stored it, ms. */
  receivedAt: number;
  /**
   * Stored `pending`: its breakers count it once it is settled (the loop's
   * settled cursor), not now, so its final verdict is counted exactly once.
   */
  settles: boolean;
}

export interface ScoredFinding extends Finding {
  reach: number;
  impact: number;
}

export interface BatchInput {
  recent: readonly EvalRecord[];
  /**
   * Earlier records of the batch's agents and the recent message graph
   * (CachedRecord.anomalous kept); as a function, built only if something
   * reads it (the detectors given `kept` and the caps given `messagesOf`
   * mostly do not).
   */
  history: readonly CachedRecord[] | (() => readonly CachedRecord[]);
  /**
   * `history` is already in time order (ties by id) with each id once and
   * none of `recent`'s (the history cache's window): the detectors' window
   * is not deduplicated and sorted again.
   */
  historyInOrder?: boolean;
  /**
   * What the history cache keeps of `history` (semantic_deviation's sorted
   * values of the records not anomalous, fan_out_burst's and new_intent's
   * counts); the detectors read `history` for whatever is absent.
   */
  kept?: KeptBaselines;
  /** Each agent's earlier messages in window order, none of `recent` (the history cache's): the per-cycle caps read these instead of `history`. */
  messagesOf?: (agent: string) => readonly WindowRecord[];
  /** Each agent's earlier fan-outs, likewise. */
  fanOutsOf?: (agent: string) => readonly WindowRecord[];
  depthOf: (recordId: string) => number | null;
  graph: AgentGraph;
  /**
   * The records seen before, by id, and which of them a finding named: what a
   * deviating record's reads, and the writes they read, are looked up in (the
   * history cache). Without it they are looked up in `history`.
   */
  seen?: SeenIndex;
  /** Per-cycle cap cooldowns; updated in place. */
  lastReported: Map<string, number>;
  /** Outside reads held back from deviations' evidence until their records' siblings are seen (ADR 0050). */
  holding?: readonly HeldReads[];
  params: EngineParams;
}

/** A record seen before, as the evaluator looks a read and its write up. */
export type SeenRecord = WindowRecord & { parents?: readonly string[]; verified?: boolean; verdicts?: readonly string[] };

/** What the engine remembers of the records it judged (HistoryCache). */
export interface SeenIndex {
  get(recordId: string): SeenRecord | undefined;
  /** An earlier pass's finding named it (not a verification one), or it failed verification at the door. */
  flagged(recordId: string): boolean;
  /** The latest write of `key` at or before `at`: the version a read that names none saw. */
  writeBefore(key: string, at: number): SeenRecord | undefined;
}

export interface BatchResult {
  findings: ScoredFinding[];
  /** Records some detector or cap named. */
  anomalous: Set<string>;
  /** Records whose values must stay out of future baselines. */
  poisoned: Set<string>;
  /** Every record a finding names (verification findings aside): suspect to lineage, remembered for later passes' reads. */
  named: Set<string>;
  observed: ObservedRecord[];
  /**
   * Records over a per-cycle cap that is cooling down after a finding made in
   * an earlier batch, by capKey(agent, cap): the caller adds them to that
   * finding's evidence (and counts them anomalous here already).
   */
  cooledOver: Map<string, string[]>;
  /** Outside reads this batch's deviations hold back (ADR 0050): the caller keeps them for later batches. */
  held: HeldReads[];
  /**
   * Of the reads held before (`holding`), by the deviating record: those to
   * add to its finding's evidence now (its siblings did not depart by what
   * they read back, or never came); `settled` also counts those dropped.
   */
  released: Map<string, string[]>;
  settled: Set<string>;
}

/**
 * A deviation's outside reads held back from its evidence (ADR 0050): its
 * record usually has siblings made from the same outside reads, none of
 * which was seen yet; they tell whether the reads explain it.
 */
export interface HeldReads {
  /** The deviating record, and the field (path) that deviated. */
  recordId: string;
  path: string;
  agent: string;
  intent: string | null;
  at: number;
  reads: string[];
  /**
   * What it waits for: its siblings (ADR 0050), or, for a record built on
   * its own last value, whether feedback_loop finds a loop of its agent's
   * memory entered there (ADR 0055).
   */
  awaits?: "siblings" | "loop";
  /** The finding made in this batch (the caller maps it to its stored id). */
  finding?: Finding;
}

/** Findings whose record's values are not normal and must not become the baseline. */
const POISONS_BASELINE: ReadonlySet<string> = new Set(["semantic_deviation", "feedback_loop"]);

export function evaluateBatch(input: BatchInput): BatchResult {
  for (const r of input.recent) for (const to of r.receivers) input.graph.addEdge(r.agent, to);

  // Anomalous records stay out of what is normal, except those still in their
  // young agent's open learning block (ADR 0030): judged in one pass with the
  // rest of the block they would have been recent records here, so new_edge
  // and new_intent count what they already reported instead of naming it
  // again, whichever pass a block's records came in. The learning detectors
  // never learn from them (learning records are not in the baselines).
  const history = once(input.history);
  const baseline = () => history().filter((r) => !r.anomalous || r.learning);
  // Deduplicated and in time order once, for runDetectors and subject_mismatch alike.
  const window = prepareWindow(input.historyInOrder ? lazyWindow(baseline, input.recent) : { history: baseline(), recent: input.recent });
  // feedback_loop alone sees the records those findings named (ADR 0042): a
  // loop grows by the very values semantic_deviation names as they come, and
  // its own evidence is the loop's rounds, which later passes must still see
  // to place where it entered. Its usual ranges end where a rise begins, so
  // the named values of a loop do not become what is usual.
  const loopWindow = input.historyInOrder ? lazyWindow(history, input.recent) : { history: history(), recent: input.recent };
  const cooledOver = new Map<string, string[]>();
  const capped = checkCaps({ history: input.messagesOf && input.fanOutsOf ? [] : history(), historyInOrder: input.historyInOrder, messagesOf: input.messagesOf, fanOutsOf: input.fanOutsOf, recent: input.recent, depthOf: input.depthOf, lastReported: input.lastReported, cooledOver }, input.params.caps);
  const found = runDetectors(window, input.params.detectors, input.kept, loopWindow);
  found.push(...subjectMismatchIn(input, window, history));
  const named = new Set<string>();
  for (const f of [...found, ...capped]) {
    if (f.recordId !== null) named.add(f.recordId);
    for (const id of f.evidence) named.add(id);
  }
  for (const ids of cooledOver.values()) for (const id of ids) named.add(id);
  // One copy of the loop window for every deviation and held read of the batch (read-back-explains.ts indexes it once).
  let windowCopy: WindowRecord[] | null = null;
  const windowRecords = () => (windowCopy ??= [...loopWindow.history, ...loopWindow.recent]);
  const windowMs = input.params.detectors.feedbackLoop.windowMs ?? FeedbackLoopParams.parse({}).windowMs;
  const held: HeldReads[] = [];
  // The records feedback_loop names in this pass: a loop's rounds, from the one it entered.
  const looped = new Set<string>();
  for (const f of found) if (f.detector === "feedback_loop") for (const id of f.evidence) looped.add(id);
  const loopRounds = input.params.detectors.feedbackLoop.minMessages ?? FeedbackLoopParams.parse({}).minMessages;
  const detected = withReadsAsEvidence(found, { recent: input.recent, seen: input.seen ?? seenIn(history), named, looped, window: windowRecords, windowMs, held });
  for (const f of detected) for (const id of f.evidence) named.add(id);
  const { released, settled } = settleHolds(input.holding ?? [], windowRecords, windowMs, looped, loopRounds);
  for (const ids of released.values()) for (const id of ids) named.add(id);
  const anomalous = new Set<string>();
  const poisoned = new Set<string>();
  for (const f of [...detected, ...capped]) {
    if (f.recordId === null) continue;
    anomalous.add(f.recordId);
    // A per-cycle cap's evidence is the records over the limit: each of them failed, not just the first.
    if (PER_CYCLE_CAPS.has(f.detector)) for (const id of f.evidence) anomalous.add(id);
    if (POISONS_BASELINE.has(f.detector)) for (const id of f.evidence.length > 0 ? f.evidence : [f.recordId]) poisoned.add(id);
  }
  for (const ids of cooledOver.values()) for (const id of ids) anomalous.add(id);
  const verification = verificationFindings(input.recent);

  const reachOf = new Map<string, number>();
  const findings = [...detected, ...capped, ...verification].map((f): ScoredFinding => {
    let reach = 0;
    if (f.agent !== null) {
      reach = reachOf.get(f.agent) ?? input.graph.reach(f.agent);
      reachOf.set(f.agent, reach);
    }
    return { ...f, reach, impact: impactOf(f.score, reach) };
  });
  // A hold names the finding as the caller will store it.
  const scored = new Map<Finding, ScoredFinding>(detected.map((f, i) => [f, findings[i]!]));
  for (const h of held) if (h.finding) h.finding = scored.get(h.finding);

  const observed = input.recent
    .filter((r) => r.kind === "message" && r.receivers.length > 0 && !r.settles)
    .map((r): ObservedRecord => ({ recordId: r.recordId, agent: r.agent, receivers: r.receivers, at: r.at, verified: r.verified, verdicts: r.verdicts, anomalous: anomalous.has(r.recordId) }));
  return { findings, anomalous, poisoned, named, observed, cooledOver, held, released, settled };
}

/**
 * Decides the outside reads held back before (ADR 0050), now that the window
 * may hold the siblings of their records: dropped where the siblings say the
 * record departed by what it read back, released (to be named) where they
 * say otherwise, or where the record's agent has moved on to a later record
 * of its kind without a sibling coming (or the record left the window).
 *
 * A record built on its own last value (ADR 0055) waits for feedback_loop:
 * dropped where a loop names it (`looped`: the loop of its agent's memory
 * entered there, and its value owes itself to the last one), released once
 * its agent has made `loopRounds - 1` more of its kind without a loop naming
 * it (a loop from there would have grown by then), or it left the window.
 */
function settleHolds(holding: readonly HeldReads[], window: () => readonly WindowRecord[], windowMs: number, looped: ReadonlySet<string>, loopRounds: number): { released: Map<string, string[]>; settled: Set<string> } {
  const released = new Map<string, string[]>();
  const settled = new Set<string>();
  if (holding.length === 0) return { released, settled };
  const records = window();
  for (const h of holding) {
    const rec = windowRecord(records, h.recordId);
    if (h.awaits === "loop") {
      if (looped.has(h.recordId)) {
        settled.add(h.recordId);
        continue;
      }
      let later = 0;
      for (const r of records) if (r.agent === h.agent && r.intent === h.intent && r.kind === rec?.kind && r.at > h.at) later++;
      if (rec && later < loopRounds - 1) continue;
      settled.add(h.recordId);
      released.set(h.recordId, h.reads);
      continue;
    }
    const verdict = rec ? readBackExplains(rec, h.path, records, windowMs) : "outside";
    const movedOn = verdict === "awaiting" && records.some((r) => r.agent === h.agent && r.intent === h.intent && r.kind === rec?.kind && r.at > h.at);
    if (verdict === "awaiting" && !movedOn) continue;
    settled.add(h.recordId);
    if (verdict !== "read-back") released.set(h.recordId, h.reads);
  }
  return { released, settled };
}

/**
 * A deviating value came from what its record was made from: its agent's own
 * state reads (a feed, a shared memory key) among them. A read's record holds
 * only a hash of what it read, so no detector can judge the read itself: the
 * finding names the reads that could have carried the deviation, so lineage
 * finds where the value came in (ADR 0045). Lineage treats whatever a finding
 * names as suspect, so a read is named only where it explains something:
 *
 * - a read of a key an agent writes (the read names the write, or one of the
 *   key held at or before it) brought in that write's value, which the
 *   engine judged already: named when the write is suspect (a finding named
 *   it, this pass or before, or it failed verification at the door);
 * - a read of an outside feed (no write of it seen) is named when nothing
 *   else the record was made from is suspect (a parent message or write, a
 *   read of a suspect write): a poisoned feed's first victim is explained by
 *   the feed read alone, a loop's later rounds by the rounds before them;
 *   not where records of the same subject made from the very same outside
 *   reads differ by clearly more than such records did before, given what
 *   each read back of the others' writes (ADR 0050): the same outside part
 *   went into all of them, so the departure is in what they made of what
 *   they read back (a loop's first round), and naming the feed read would
 *   make it the origin.
 *
 * None when the record itself failed verification at the door (a tampered
 * payload, a forged signature): its content is not what the agent made from
 * its reads, so the reads explain nothing and naming them would make a clean
 * read the origin.
 */
function withReadsAsEvidence(findings: Finding[], input: { recent: readonly EvalRecord[]; seen: SeenIndex; named: ReadonlySet<string>; looped: ReadonlySet<string>; window: () => readonly WindowRecord[]; windowMs: number; held: HeldReads[] }): Finding[] {
  if (!findings.some((f) => f.detector === "semantic_deviation")) return findings;
  const recent = new Map<string, EvalRecord>();
  for (const r of input.recent) recent.set(r.recordId, r);
  const get = (id: string): SeenRecord | undefined => recent.get(id) ?? input.seen.get(id);
  const failed = (r: SeenRecord): boolean => r.verdicts !== undefined && failureOf({ verified: r.verified ?? false, verdicts: r.verdicts, anomalous: false }).includes("verification");
  const suspect = (id: string): boolean => {
    if (input.named.has(id)) return true;
    const r = recent.get(id);
    return (r !== undefined && failed(r)) || input.seen.flagged(id);
  };
  // The write a read read, or null for an outside feed (or a write not seen).
  const writeOf = (read: SeenRecord): string | null => {
    let unseen = false;
    for (const id of read.parents ?? []) {
      const p = get(id);
      if (p === undefined) unseen = true;
      else if (p.kind === "state.write" && p.intent === read.intent) return p.recordId;
    }
    // A read that names no version read the latest one (lineage's `state` edge); one naming a record not seen may have named its write.
    if (unseen || read.intent === null) return null;
    let w: SeenRecord | undefined = input.seen.writeBefore(read.intent, read.at);
    // The batch's own writes are not in the cache yet (a deviation is rare: this scan is too).
    for (const r of input.recent) if (r.kind === "state.write" && r.intent === read.intent && r.at <= read.at && (w === undefined || r.at >= w.at)) w = r;
    return w?.recordId ?? null;
  };
  return findings.map((f) => {
    if (f.detector !== "semantic_deviation" || f.recordId === null) return f;
    const rec = recent.get(f.recordId);
    if (!rec || failed(rec)) return f;
    const reads: { read: SeenRecord; write: string | null }[] = [];
    let explained = false;
    for (const id of rec.parents) {
      const p = get(id);
      if (p !== undefined && p.kind === "state.read" && p.agent === rec.agent) {
        const write = writeOf(p);
        reads.push({ read: p, write });
        if (write !== null && suspect(write)) explained = true;
      } else if (suspect(id)) explained = true;
    }
    // An outside read named for want of anything else explains nothing where the record's siblings (same outside reads) say it departed by what it read back (ADR 0050).
    let outsideExplains = !explained;
    let hold: HeldReads | null = null;
    // A write of a key its agent read back (its last value) may be a loop of its memory's first round (ADR 0055): a loop named it, or one may.
    const onItself = rec.kind === "state.write" && reads.some((x) => x.read.intent === rec.intent);
    if (outsideExplains && onItself && reads.some((x) => x.write === null)) {
      const path = seriesOf(rec).find((e) => e.value === f.params.value)?.path;
      if (input.looped.has(rec.recordId)) outsideExplains = false;
      else if (path !== undefined) {
        outsideExplains = false;
        hold = { recordId: rec.recordId, path, agent: rec.agent, intent: rec.intent, at: rec.at, reads: reads.filter((x) => x.write === null).map((x) => x.read.recordId), awaits: "loop" };
      }
    } else if (outsideExplains && reads.some((x) => x.write === null)) {
      const path = seriesOf(rec).find((e) => e.value === f.params.value)?.path;
      const verdict = path !== undefined ? readBackExplains(rec, path, input.window(), input.windowMs) : "outside";
      if (verdict !== "outside") outsideExplains = false;
      if (verdict === "awaiting") hold = { recordId: rec.recordId, path: path!, agent: rec.agent, intent: rec.intent, at: rec.at, reads: reads.filter((x) => x.write === null).map((x) => x.read.recordId) };
    }
    const chosen = reads.filter((x) => (x.write !== null ? suspect(x.write) : outsideExplains)).map((x) => x.read);
    if (chosen.length === 0) {
      if (hold) input.held.push({ ...hold, finding: f });
      return f;
    }
    const keys = [...new Set(chosen.map((r) => r.intent ?? "state"))];
    const out = { ...f, evidence: [...f.evidence, ...chosen.map((r) => r.recordId)], explanation: `${f.explanation}; made from its read of ${keys.join(", ")}` };
    if (hold) input.held.push({ ...hold, finding: out });
    return out;
  });
}

/**
 * subject_mismatch (ADR 0056) over the batch's prepared window (its records
 * once each, in time order; its history what is normal: records no finding
 * named): it looks a record's parents up among the records seen (the history
 * cache) and the batch, and reads the agent's earlier records only where a
 * record's inputs were about something else.
 */
function subjectMismatchIn(input: BatchInput, window: DetectorWindow, history: () => readonly CachedRecord[]): Finding[] {
  let recent: Map<string, WindowRecord> | null = null;
  const inBatch = (id: string) => (recent ??= new Map(window.recent.map((r) => [r.recordId, r]))).get(id);
  const seen = input.seen ?? seenIn(history);
  // Each agent's baseline in window order: the history cache keeps it so; else the window's, grouped once.
  let byAgent: Map<string, WindowRecord[]> | null = null;
  const grouped = (): Map<string, WindowRecord[]> => {
    if (byAgent) return byAgent;
    byAgent = new Map();
    for (const r of window.history) (byAgent.get(r.agent) ?? byAgent.set(r.agent, []).get(r.agent)!).push(r);
    return byAgent;
  };
  const historyOf = input.kept?.agentHistory ?? ((agent: string) => grouped().get(agent) ?? []);
  // An earlier record a finding named (the attacker's first forged review) is no part of what its agent usually does.
  return subjectMismatch(window.recent, historyOf, (id) => inBatch(id) ?? seen.get(id), input.params.detectors.subjectMismatch, (id) => seen.flagged(id));
}

/** The records seen, looked up in a history list (built once, only when a read is looked up): for callers without a history cache. */
function seenIn(history: () => readonly CachedRecord[]): SeenIndex {
  let index: { byId: Map<string, CachedRecord>; writes: Map<string, CachedRecord[]> } | null = null;
  const build = () => {
    if (index) return index;
    index = { byId: new Map(), writes: new Map() };
    for (const r of [...history()].sort((a, b) => a.at - b.at)) {
      if (!index.byId.has(r.recordId)) index.byId.set(r.recordId, r);
      if (r.kind === "state.write" && r.intent !== null) (index.writes.get(r.intent) ?? index.writes.set(r.intent, []).get(r.intent)!).push(r);
    }
    return index;
  };
  return {
    get: (id) => build().byId.get(id),
    flagged: (id) => {
      const r = build().byId.get(id);
      return r !== undefined && (r.anomalous || (r.verdicts !== undefined && failureOf({ verified: r.verified ?? false, verdicts: r.verdicts, anomalous: false }).length > 0));
    },
    writeBefore: (key, at) => {
      const list = build().writes.get(key) ?? [];
      return list[firstAfter(list, at) - 1];
    },
  };
}

/** A list, or a function building it, read at most once. */
function once<T>(list: readonly T[] | (() => readonly T[])): () => readonly T[] {
  if (typeof list !== "function") return () => list;
  let built: readonly T[] | null = null;
  return () => (built ??= list());
}
