// A circuit breaker's states and the transitions between them, as data: the
// machine (machine.ts) may only take a transition listed here, with one of
// its causes (after Resilience4j's CircuitBreaker.State and StateTransition).
export const BREAKER_STATES = ["CLOSED", "OPEN", "HALF_OPEN", "FORCED_OPEN", "METRICS_ONLY"] as const;
export type BreakerStateName = (typeof BREAKER_STATES)[number];

export const BREAKER_CAUSES = [
  /** failureThreshold failures inside the window. */
  "failures",
  /** The anomaly rate inside the window went over the threshold, with enough calls. */
  "anomaly_rate",
  /** The open period ran out. */
  "timer",
  /** A reviewer let a breaker that waits for review try again. */
  "review_released",
  /** A reviewer decided the breaker stays open (no state change; the decision is kept as an event). */
  "review_kept_open",
  /** The half-open probes came back clean. */
  "probe_clean",
  /** A half-open probe failed. */
  "probe_failed",
  /** The kill switch. */
  "forced",
  /** The kill switch released. */
  "released",
  /** Dry run: measure, never block. */
  "dry_run",
  /** Back from dry run to enforcing. */
  "enforced",
  /** In dry run, the breaker would have tripped here (no state change). */
  "dry_run_trip",
  /** A human reset the breaker to closed, clearing its window. */
  "reset",
] as const;
export type BreakerCause = (typeof BREAKER_CAUSES)[number];

export interface TransitionRule {
  from: BreakerStateName;
  to: BreakerStateName;
  causes: readonly BreakerCause[];
}

/** Every legal transition. Anything else is a bug, and the machine throws. */
export const LEGAL_TRANSITIONS = [
  { from: "CLOSED", to: "OPEN", causes: ["failures", "anomaly_rate"] },
  { from: "CLOSED", to: "FORCED_OPEN", causes: ["forced"] },
  { from: "CLOSED", to: "METRICS_ONLY", causes: ["dry_run"] },
  { from: "CLOSED", to: "CLOSED", causes: ["reset"] },
  { from: "OPEN", to: "OPEN", causes: ["review_kept_open"] },
  { from: "OPEN", to: "HALF_OPEN", causes: ["timer", "review_released"] },
  { from: "OPEN", to: "CLOSED", causes: ["reset"] },
  { from: "OPEN", to: "FORCED_OPEN", causes: ["forced"] },
  { from: "OPEN", to: "METRICS_ONLY", causes: ["dry_run"] },
  { from: "HALF_OPEN", to: "CLOSED", causes: ["probe_clean", "reset"] },
  { from: "HALF_OPEN", to: "OPEN", causes: ["probe_failed"] },
  { from: "HALF_OPEN", to: "FORCED_OPEN", causes: ["forced"] },
  { from: "HALF_OPEN", to: "METRICS_ONLY", causes: ["dry_run"] },
  { from: "FORCED_OPEN", to: "CLOSED", causes: ["released"] },
  { from: "METRICS_ONLY", to: "CLOSED", causes: ["enforced"] },
  { from: "METRICS_ONLY", to: "FORCED_OPEN", causes: ["forced"] },
  { from: "METRICS_ONLY", to: "METRICS_ONLY", causes: ["dry_run_trip", "reset"] },
] as const satisfies readonly TransitionRule[];

export function isLegalTransition(from: BreakerStateName, to: BreakerStateName, cause: BreakerCause): boolean {
  return LEGAL_TRANSITIONS.some((t) => t.from === from && t.to === to && (t.causes as readonly BreakerCause[]).includes(cause));
}

/** What a breaker in this state does with a record: CLOSED and METRICS_ONLY let it through. */
export function blocks(state: BreakerStateName): boolean {
  return state === "OPEN" || state === "FORCED_OPEN";
}
