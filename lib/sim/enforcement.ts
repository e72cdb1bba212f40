// How long after the engine tripped a breaker the run's guards were
// refusing on that edge: the simulator watches its fleet's policy source
// (the control plane, when the run obeys it) and notes the first moment
// each edge was refused, by breaker or kill switch.
import { edgeKey, type PolicySnapshot, type PolicySource } from "../guard/policy.ts";
import type { TimedEdge } from "./engine-score.ts";

const REFUSING = new Set(["OPEN", "FORCED_OPEN"]);

/** Edges ("from->to") this snapshot refuses, by breaker or by a killed edge. */
export function refusedEdges(s: PolicySnapshot): string[] {
  return [...Object.entries(s.breakers).filter(([, state]) => REFUSING.has(state)).map(([edge]) => edge), ...s.killedEdges];
}

export class EnforcementWatch {
  /** Edge -> wall-clock ms when the guards first held it refused. */
  readonly firstRefused = new Map<string, number>();
  private readonly off: () => void;

  constructor(source: PolicySource, clock: () => number = Date.now) {
    const note = (s: PolicySnapshot): void => {
      const at = clock();
      for (const edge of refusedEdges(s)) if (!this.firstRefused.has(edge)) this.firstRefused.set(edge, at);
    };
    note(source.current());
    this.off = source.subscribe((s) => note(s));
  }

  close(): void {
    this.off();
  }
}

/**
 * From the first trip on the fault's path to the moment the guards enforced
 * it, wall-clock ms; null when no trip, or the guards never enforced the
 * tripped edge (a run on a LocalPolicy, say). Timed from when the engine
 * committed the trip (the wall clock), not its record time: chaos stamps
 * records with simulated time, hours ahead of the wall clock.
 */
export function tripToEnforcement(trips: readonly TimedEdge[], firstRefused: ReadonlyMap<string, number>): number | null {
  const first = [...trips].sort((a, b) => a.at - b.at)[0];
  if (!first) return null;
  const at = firstRefused.get(edgeKey(first.sender, first.receiver));
  return at === undefined ? null : Math.max(0, at - (first.committedAt ?? first.at));
}
