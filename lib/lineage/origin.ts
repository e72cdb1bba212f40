// Upstream from a record: where did the trouble start? An origin is a flagged
// record with nothing flagged upstream of it: its own parents are clean, and
// so are theirs. Records caught in a cycle with each other count as one
// place (Tarjan components), so a forged cycle cannot hide its origin.
//
// A feedback loop's entry is an origin too (ADR 0052): the first records the
// feedback_loop detector names on the way up, when their own parents are
// clean, even with something flagged further up. The detector placed the
// change there (a gain, not an input): the clean records between passed on
// values within their baselines, so an older flag above them (a trader's
// view that was an outlier an hour before) did not start this loop. That
// older flag stays an origin: the rule adds one, never hides one. A flagged
// direct parent (an injected instruction the loop grew from) keeps the trace
// going up as before.
import type { DetectorName } from "../engine/detectors/finding.ts";
import { provTerm, type ProvTerm } from "./prov-term.ts";
import { describeReason, nodeReport, type NodeReport } from "./node-report.ts";
import { stronglyConnected } from "./strongly-connected.ts";
import type { EdgeKind, LineageEdge, LineageNode, OriginBecause } from "./types.ts";
import { isCopyFlagged, isFlagged, passesFlag } from "./types.ts";
import type { Truncation, Walk } from "./walk.ts";

export interface SuspectReport extends NodeReport {
  /** Why the record is suspect: its own reasons, then which origin it derives from. */
  why: string[];
}

export interface OriginSuspect extends SuspectReport {
  because: OriginBecause;
}

export interface PathStep extends SuspectReport {
  /** How this record depends on the next step up; null on the origin. */
  next: { kind: EdgeKind; prov: ProvTerm } | null;
}

export interface OriginPath {
  origin: string;
  hops: number;
  /** From the record asked about (first) up to the origin (last). */
  steps: PathStep[];
}

export interface OriginReport {
  start: string;
  startStored: boolean;
  /** The start is flagged or derives from something flagged. */
  tainted: boolean;
  /** Nearest the start first (breadth-first). */
  origins: OriginSuspect[];
  /** One shortest path per origin. */
  paths: OriginPath[];
  /** Flagged records among everything upstream (origins included). */
  flaggedUpstream: number;
  visited: number;
  /** Referenced ids with no stored record. */
  missing: string[];
  truncated: Truncation[];
}

export function findOrigins(w: Walk): OriginReport {
  if (w.direction !== "up") throw new Error("findOrigins needs an upstream walk");
  const start = w.starts[0];
  if (start === undefined) throw new Error("findOrigins needs a start");

  const parents = new Map<string, string[]>();
  for (const e of w.edges) {
    const list = parents.get(e.child);
    if (list) list.push(e.parent);
    else parents.set(e.child, [e.parent]);
  }
  const nodeOf = (id: string) => w.visits.get(id)?.node;
  // A record flagged only by a later copy of its id (a replay) counts where
  // its flag reaches: for the start itself, and for a child stored after the
  // copy (every record of an upstream walk lies on a path to the start).
  const reaching = new Set<string>();
  for (const e of w.edges) if (isCopyFlagged(nodeOf(e.parent)) && w.visits.has(e.child) && passesFlag(nodeOf(e.parent), nodeOf(e.child))) reaching.add(e.parent);
  const flagged = (id: string) => isFlagged(nodeOf(id)) && (!isCopyFlagged(nodeOf(id)) || id === start || reaching.has(id));
  const comps = stronglyConnected(w.visits.keys(), (id) => parents.get(id) ?? []);

  // Components come parents-first, so "something flagged above" is known for
  // every parent component before its children need it.
  const hasFlagged: boolean[] = [];
  const above: boolean[] = [];
  // Named by feedback_loop in this component, and in one above it.
  const inLoop: boolean[] = [];
  const loopAbove: boolean[] = [];
  const loopEntry: boolean[] = [];
  comps.list.forEach((members, c) => {
    hasFlagged[c] = members.some(flagged);
    inLoop[c] = members.some((m) => flagged(m) && namedByLoop(nodeOf(m)));
    let a = false;
    let parentFlagged = false;
    let l = false;
    for (const m of members) {
      for (const p of parents.get(m) ?? []) {
        const pc = comps.of.get(p)!;
        if (pc === c) continue;
        // A copy-flagged parent taints this child only if the child came after the copy.
        const flagPasses = hasFlagged[pc]! && (comps.list[pc]!.length > 1 || passesFlag(nodeOf(p), nodeOf(m)));
        if (flagPasses) parentFlagged = true;
        if (above[pc] || flagPasses) a = true;
        if (inLoop[pc] || loopAbove[pc]) l = true;
      }
    }
    above[c] = a;
    loopAbove[c] = l;
    loopEntry[c] = inLoop[c] && !l && !parentFlagged && a;
  });

  const isOrigin = (c: number) => !above[c] || loopEntry[c]!;
  const originIds = [...w.visits.values()].filter((v) => flagged(v.id) && isOrigin(comps.of.get(v.id)!)).map((v) => v.id);
  const reports = new Map<string, SuspectReport>();
  const report = (id: string): SuspectReport => {
    let r = reports.get(id);
    if (!r) {
      const base = nodeReport(id, w.visits.get(id)?.node ?? null);
      r = { ...base, why: base.reasons.map(describeReason) };
      reports.set(id, r);
    }
    return r;
  };

  // First the chains (follow each origin's first-reached edge back down to
  // the start), then the words: a record on several paths says so for each.
  const chains = originIds.map((origin) => chainTo(w, origin));
  for (const { origin, ids } of chains) {
    ids.forEach((id, i) => {
      const r = report(id);
      const up = ids.length - 1 - i;
      if (id === origin) r.why.push(loopEntry[comps.of.get(id)!] ? LOOP_ENTRY_NOTE : ORIGIN_NOTE);
      else r.why.push(`derives from origin ${origin}, ${up} hop${up === 1 ? "" : "s"} up`);
    });
  }
  const paths: OriginPath[] = chains.map(({ origin, ids, kinds }) => ({
    origin,
    hops: ids.length - 1,
    steps: ids.map((id, i): PathStep => {
      const kind = kinds[i];
      const next = kind === undefined ? null : { kind, prov: provTerm(kind, w.visits.get(id)?.node?.kind, w.visits.get(ids[i + 1]!)?.node?.kind) };
      return { ...report(id), next };
    }),
  }));

  const startVisit = w.visits.get(start);
  return {
    start,
    startStored: startVisit?.node != null,
    tainted: originIds.length > 0,
    origins: originIds.map((id): OriginSuspect => ({ ...reports.get(id)!, because: loopEntry[comps.of.get(id)!] ? "loop_entry" : "nothing_flagged_upstream" })),
    paths,
    flaggedUpstream: [...w.visits.keys()].filter(flagged).length,
    visited: w.visits.size,
    missing: [...w.visits.values()].filter((v) => v.node === null).map((v) => v.id),
    truncated: [...w.truncated],
  };
}

const ORIGIN_NOTE = "origin: nothing upstream of it is flagged";
const LOOP_ENTRY_NOTE = "origin: a feedback loop entered here; its own parents are clean (what is flagged further up fed the loop across clean records, it did not start it)";

const LOOP_DETECTOR: DetectorName = "feedback_loop";

/** Named by a feedback_loop finding: one of the loop's records. */
function namedByLoop(node: LineageNode | null | undefined): boolean {
  return node?.reasons.some((r) => r.kind === "anomaly" && r.detector === LOOP_DETECTOR) ?? false;
}

/** Ids from the walk's start up to `origin` along first-reached edges, and the edge kind between each pair. */
function chainTo(w: Walk, origin: string): { origin: string; ids: string[]; kinds: EdgeKind[] } {
  const ids: string[] = [];
  const kinds: EdgeKind[] = [];
  for (let at: string | undefined = origin; at !== undefined; ) {
    ids.push(at);
    const via: LineageEdge | null | undefined = w.visits.get(at)?.via;
    if (!via) break;
    kinds.push(via.kind);
    at = via.child;
  }
  return { origin, ids: ids.reverse(), kinds: kinds.reverse() };
}
