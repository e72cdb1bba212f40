// One breaker on one directed edge (sender -> receiver): a typed state and a
// pure step function from (state, input) to (state, transitions, decision).
// Every state change goes through a transition listed in states.ts; the
// caller stores the transitions as events and caches the state.
import { z } from "zod";
import type { BreakerConfig } from "./config.ts";
import { addOutcome, countWindow, emptyWindow, MAX_NAMED_FAILURES, OutcomeWindow, type FailureReason } from "./outcome-window.ts";
import { isLegalTransition, type BreakerCause, type BreakerStateName } from "./states.ts";

/** Failures in a row, and the ids of (up to MAX_NAMED_FAILURES of) them. */
export const Streak = z.object({ count: z.number().int().min(0), recordIds: z.array(z.string()) });
export type Streak = z.infer<typeof Streak>;
const noStreak = (): Streak => ({ count: 0, recordIds: [] });

export const BreakerMachine = z.discriminatedUnion("state", [
  z.object({ state: z.literal("CLOSED"), since: z.number(), window: OutcomeWindow, streak: Streak }),
  z.object({ state: z.literal("OPEN"), since: z.number(), until: z.number(), awaitingReview: z.boolean() }),
  z.object({ state: z.literal("HALF_OPEN"), since: z.number(), probesLeft: z.number().int().min(0) }),
  z.object({ state: z.literal("FORCED_OPEN"), since: z.number(), actor: z.string(), reason: z.string() }),
  z.object({ state: z.literal("METRICS_ONLY"), since: z.number(), window: OutcomeWindow, streak: Streak, wouldHaveTripped: z.number().int().min(0) }),
]);
export type BreakerMachine = z.infer<typeof BreakerMachine>;

export type BreakerInput =
  /** A record came over the edge; `failure` empty when it was clean. */
  | { type: "record"; at: number; recordId: string; failure: readonly FailureReason[] }
  /** Time passed (an open period may have run out). */
  | { type: "tick"; at: number }
  /** The kill switch. */
  | { type: "force_open"; at: number; actor: string; reason: string }
  | { type: "release"; at: number; actor: string; reason?: string }
  /** Dry run: measure, never block. */
  | { type: "dry_run"; at: number; actor: string; reason?: string }
  | { type: "enforce"; at: number; actor: string; reason?: string }
  /** A human review of a breaker that waits for one. */
  | { type: "review"; at: number; actor: string; decision: "release" | "keep_open"; note?: string }
  | { type: "reset"; at: number; actor: string; reason?: string };

export interface BreakerTransition {
  from: BreakerStateName;
  to: BreakerStateName;
  cause: BreakerCause;
  at: number;
  /** The records that caused it. */
  recordIds: string[];
  detail: string;
  /** Who, for a human action. */
  actor: string | null;
}

/** What the breaker says about a record: let it through, block it, or let it through as the half-open probe. */
export type Decision = "allow" | "block" | "probe";

export interface StepResult {
  machine: BreakerMachine;
  transitions: BreakerTransition[];
  /** For record inputs. */
  decision: Decision | null;
  /** For human inputs that do not apply in the current state: why. */
  rejected: string | null;
}

export interface StepContext {
  config: BreakerConfig;
  /** A trip waits for a human review before the breaker may close (resolveBreakerConfig). */
  reviewRequired: boolean;
}

export function newBreaker(config: BreakerConfig, at: number): BreakerMachine {
  return config.startIn === "METRICS_ONLY"
    ? { state: "METRICS_ONLY", since: at, window: emptyWindow(), streak: noStreak(), wouldHaveTripped: 0 }
    : { state: "CLOSED", since: at, window: emptyWindow(), streak: noStreak() };
}

export class IllegalTransitionError extends Error {}

export function step(machine: BreakerMachine, input: BreakerInput, ctx: StepContext): StepResult {
  const transitions: BreakerTransition[] = [];
  let current = machine;
  const go = (next: BreakerMachine, cause: BreakerCause, detail: string, recordIds: string[] = [], actor: string | null = null) => {
    if (!isLegalTransition(current.state, next.state, cause)) throw new IllegalTransitionError(`${current.state} -> ${next.state} (${cause}) is not a legal transition`);
    transitions.push({ from: current.state, to: next.state, cause, at: input.at, recordIds, detail, actor });
    current = next;
  };
  const result = (decision: Decision | null = null, rejected: string | null = null): StepResult => ({ machine: current, transitions, decision, rejected });
  const closed = (): BreakerMachine => ({ state: "CLOSED", since: input.at, window: emptyWindow(), streak: noStreak() });
  const opened = (): BreakerMachine => ({ state: "OPEN", since: input.at, until: input.at + ctx.config.openMs, awaitingReview: ctx.reviewRequired });
  const halfOpen = (): BreakerMachine => ({ state: "HALF_OPEN", since: input.at, probesLeft: ctx.config.halfOpenProbes });
  const actor = "actor" in input ? input.actor : null;
  // The stored event is the audit trail of a human action, so it keeps why it was taken.
  const because = "reason" in input && input.reason && input.type !== "force_open" ? ` (${input.reason})` : "";

  // The open period is checked whenever anything happens, so no timer is needed.
  if (current.state === "OPEN" && !current.awaitingReview && input.at >= current.until) {
    go(halfOpen(), "timer", `open for ${seconds(ctx.config.openMs)}; letting ${ctx.config.halfOpenProbes} probe${ctx.config.halfOpenProbes === 1 ? "" : "s"} through`);
  }

  switch (input.type) {
    case "tick":
      return result();

    case "record": {
      const m: BreakerMachine = current;
      switch (m.state) {
        case "OPEN":
        case "FORCED_OPEN":
          return result("block");
        case "HALF_OPEN": {
          if (input.failure.length > 0) {
            go(opened(), "probe_failed", `probe ${input.recordId} failed (${input.failure.join(", ")})${ctx.reviewRequired ? "; waiting for review" : ""}`, [input.recordId]);
            return result("probe");
          }
          if (m.probesLeft <= 1) go(closed(), "probe_clean", `probe ${input.recordId} was clean`, [input.recordId]);
          else current = { ...m, probesLeft: m.probesLeft - 1 };
          return result("probe");
        }
        case "CLOSED":
        case "METRICS_ONLY": {
          const window = addOutcome(m.window, ctx.config.windowMs, input.at, input.recordId, input.failure);
          const streak = input.failure.length === 0 ? noStreak() : { count: m.streak.count + 1, recordIds: [...m.streak.recordIds, input.recordId].slice(-MAX_NAMED_FAILURES) };
          const trip = tripCause(window, streak, ctx.config);
          if (!trip) {
            current = { ...m, window, streak };
            return result("allow");
          }
          if (m.state === "CLOSED") go(opened(), trip.cause, trip.detail + (ctx.reviewRequired ? "; waiting for review" : ""), trip.recordIds);
          else go({ ...m, window: emptyWindow(), streak: noStreak(), wouldHaveTripped: m.wouldHaveTripped + 1 }, "dry_run_trip", `would have tripped: ${trip.detail}`, trip.recordIds);
          return result("allow");
        }
      }
      return result();
    }

    case "force_open":
      if (current.state === "FORCED_OPEN") return result(null, "the kill switch is already on");
      go({ state: "FORCED_OPEN", since: input.at, actor: input.actor, reason: input.reason }, "forced", `kill switch: ${input.reason}`, [], actor);
      return result();

    case "release":
      if (current.state !== "FORCED_OPEN") return result(null, `only the kill switch is released; the breaker is ${current.state}`);
      go(closed(), "released", `kill switch released${because}`, [], actor);
      return result();

    case "dry_run":
      if (current.state === "METRICS_ONLY") return result(null, "already in dry run");
      if (current.state === "FORCED_OPEN") return result(null, "release the kill switch first");
      go({ state: "METRICS_ONLY", since: input.at, window: emptyWindow(), streak: noStreak(), wouldHaveTripped: 0 }, "dry_run", `dry run: measuring, never blocking${because}`, [], actor);
      return result();

    case "enforce":
      if (current.state !== "METRICS_ONLY") return result(null, `not in dry run; the breaker is ${current.state}`);
      go(closed(), "enforced", `enforcing again${because}`, [], actor);
      return result();

    case "review": {
      if (current.state !== "OPEN" || !current.awaitingReview) return result(null, `not waiting for review; the breaker is ${current.state}`);
      const note = input.note ? `: ${input.note}` : "";
      // Kept open: no state change, but the reviewer's decision is an event
      // like any other, so the breaker's history says who looked and when.
      if (input.decision === "keep_open") {
        go(current, "review_kept_open", `review kept it open${note}`, [], actor);
        return result();
      }
      go(halfOpen(), "review_released", `review released it${note}`, [], actor);
      return result();
    }

    case "reset":
      if (current.state === "FORCED_OPEN") return result(null, "the kill switch is released, not reset");
      if (current.state === "METRICS_ONLY") go({ ...current, since: input.at, window: emptyWindow(), streak: noStreak(), wouldHaveTripped: 0 }, "reset", `dry-run window cleared${because}`, [], actor);
      else go(closed(), "reset", `reset to closed by hand${because}`, [], actor);
      return result();
  }
}

/**
 * Two rules: failures in a row (a clean record resets the count), which
 * catches a sender that has gone bad; and the anomaly rate over the window,
 * which catches one that is intermittently off.
 */
function tripCause(window: OutcomeWindow, streak: Streak, config: BreakerConfig): { cause: BreakerCause; detail: string; recordIds: string[] } | null {
  if (streak.count >= config.failureThreshold) {
    return { cause: "failures", detail: `${streak.count} failures in a row (limit ${config.failureThreshold})`, recordIds: [...streak.recordIds] };
  }
  const c = countWindow(window);
  if (c.calls >= config.minCalls && c.anomalies / c.calls > config.anomalyRateThreshold) {
    return {
      cause: "anomaly_rate",
      detail: `anomaly rate ${(c.anomalies / c.calls).toFixed(2)} over ${c.calls} records in ${seconds(config.windowMs)} (limit ${config.anomalyRateThreshold})`,
      recordIds: window.failures.filter((f) => f.reasons.includes("anomaly")).map((f) => f.recordId),
    };
  }
  return null;
}

const seconds = (ms: number): string => `${+(ms / 1000).toFixed(3)} s`;
