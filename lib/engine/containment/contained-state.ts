// Which state keys the engine quarantines, judged pass by pass. A breaker
// stops traffic on its edge, but taint also travels through shared state: an
// order placed from a poisoned quote is booked into the inventory, and every
// later booking reads that inventory and writes it again. No message edge
// carries that taint, so no breaker can stop it; quarantining the key does
// (guards refuse to read or write it until an on-call lifts it).
//
// Containment spreads forward as records are judged, in storing order
// (parents are stored before their children): a record is contained when
// the engine contained it in this pass (a failed record on an edge whose
// breaker now refuses), or when it is a state.write that failed verification
// at the door (a memory violation landed in the store all the same), or when
// one of its parents is contained. A contained state.write quarantines its
// key. Pure: the evaluator keeps the set between passes (bounded; records
// whose ancestry left the set before a restart are not followed).
import { BoundedMap } from "../../collections/bounded-map.ts";

export interface JudgedRecord {
  recordId: string;
  kind: string;
  /** For state records, the key. */
  intent: string | null;
  parents: readonly string[];
  verified: boolean;
  verdicts: readonly string[];
}

export interface KeyToQuarantine {
  key: string;
  /** The state.write that showed it. */
  recordId: string;
  reason: string;
}

/** The contained ids remembered between passes, with why: the oldest dropped first (a full set costs no more per record than an empty one). */
export class ContainedSet {
  private readonly ids: BoundedMap<string, string>;

  constructor(max = 100_000) {
    this.ids = new BoundedMap(max);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Why `id` is contained, or undefined. */
  why(id: string): string | undefined {
    return this.ids.get(id);
  }

  /** The first reason given stays. */
  add(id: string, why: string): void {
    if (!this.ids.has(id)) this.ids.set(id, why);
  }

  get size(): number {
    return this.ids.size;
  }
}

/**
 * Walks the pass's records in storing order, growing `contained`, and
 * returns the keys to quarantine (one entry per key, the first write that
 * showed it). `seeds`: ids the engine contained in this pass, with why.
 */
export function containState(recent: readonly JudgedRecord[], seeds: ReadonlyMap<string, string>, contained: ContainedSet): KeyToQuarantine[] {
  const keys = new Map<string, KeyToQuarantine>();
  for (const r of recent) {
    let why = seeds.get(r.recordId) ?? contained.why(r.recordId);
    let reason = why === undefined ? "" : `state.write ${r.recordId} was contained: ${why}`;
    // Still pending is not failed: its verdict is not in yet.
    if (why === undefined && r.kind === "state.write" && !r.verified && !r.verdicts.includes("pending")) {
      why = `state.write ${r.recordId} failed verification at the door (${r.verdicts.join(", ")})`;
      reason = why;
    }
    if (why === undefined) {
      const parent = r.parents.find((p) => contained.has(p));
      if (parent !== undefined) {
        why = contained.why(parent)!;
        reason = `state.write ${r.recordId} descends from a contained record: ${why}`;
      }
    }
    if (why === undefined) continue;
    contained.add(r.recordId, why);
    if (r.kind === "state.write" && r.intent !== null && !keys.has(r.intent)) keys.set(r.intent, { key: r.intent, recordId: r.recordId, reason });
  }
  return [...keys.values()];
}

/** Failed records on edges whose breaker refuses after this pass: the ones the engine contained. */
export function containedSeeds(
  observed: readonly { recordId: string; agent: string; receivers: readonly string[]; verified: boolean; anomalous: boolean }[],
  refusing: (sender: string, receiver: string) => boolean,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of observed) {
    if (o.verified && !o.anomalous) continue;
    const to = o.receivers.find((r) => refusing(o.agent, r));
    if (to !== undefined) out.set(o.recordId, `${o.anomalous ? "anomalous" : "unverified"} message ${o.recordId} on ${o.agent}->${to}, whose breaker the engine opened`);
  }
  return out;
}
