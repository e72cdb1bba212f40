// How bad an incident is, from its findings. Two things make it critical
// whatever the numbers: a red action (irreversible: money moved, data
// deleted) is tainted, or a forged identity reached a decision. Otherwise
// the largest impact (deviation x (1 + downstream reach)) decides, so the
// incident with the biggest blast radius ranks first. docs/engine.md
// ("Incidents") has the rule and its numbers.

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Impact at or above this is high: e.g. a 10x deviation reaching 4 agents downstream (10 x 5 = 50). */
export const HIGH_IMPACT = 50;
/** Impact at or above this is medium: e.g. a 5x deviation reaching 1 agent (5 x 2 = 10). */
export const MEDIUM_IMPACT = 10;
/** The deviation cap of the impact score, so an absurd z-score cannot outrank every cascade. */
const MAX_DEVIATION = 1_000;

/** Verdicts that say the sender is not who it claims: a forged or replayed identity. */
export const IDENTITY_VERDICTS: ReadonlySet<string> = new Set(["bad_signature", "replay", "unknown_agent"]);

export interface SeverityFacts {
  detector: string;
  score: number | null;
  reach: number | null;
  impact: number | null;
  /** The finding's record, or a record it rests on, is a red action (flagged, so tainted). */
  redActionTainted: boolean;
  /** The finding's record is a decision (an action or a state write) and it, or its origin, failed identity verification. */
  identityReachesDecision: boolean;
}

/**
 * The stored impact, or for a finding stored without one the same formula
 * with what is known: reach unknown counts as none.
 */
export function impactOf(f: Pick<SeverityFacts, "score" | "reach" | "impact">): number {
  if (f.impact !== null && Number.isFinite(f.impact)) return f.impact;
  const deviation = f.score !== null && Number.isFinite(f.score) && f.score !== 0 ? Math.min(Math.abs(f.score), MAX_DEVIATION) : 1;
  return deviation * (1 + Math.max(0, f.reach ?? 0));
}

export function findingSeverity(f: SeverityFacts): Severity {
  if (f.redActionTainted || f.identityReachesDecision) return "critical";
  const impact = impactOf(f);
  if (impact >= HIGH_IMPACT) return "high";
  // A record that failed verification at the door is evidence, not a statistical
  // deviation: never ranked below medium.
  if (impact >= MEDIUM_IMPACT || f.detector === "verification") return "medium";
  return "low";
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}
