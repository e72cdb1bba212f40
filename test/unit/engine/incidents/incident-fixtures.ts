// Findings and incidents as the grouping logic sees them: a clean default
// for every field, so a test states only what it is about.
import type { FindingFacts, IncidentFacts } from "@/lib/engine/incidents/grouping.ts";

export const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);
export const MIN = 60_000;

export function finding(id: string, spec: Partial<FindingFacts> = {}): FindingFacts {
  const recordId = spec.recordId === undefined ? `rec-${id}` : spec.recordId;
  return {
    id,
    detector: "semantic_deviation",
    recordId,
    agent: "pricer",
    subject: "unit_price",
    explanation: "unit_price 10.3x the 24h median (n=412)",
    at: T0,
    origins: recordId === null ? [] : [recordId],
    upstream: [],
    agents: [spec.agent ?? "pricer"],
    score: 4,
    reach: 0,
    impact: 4,
    redActionTainted: false,
    identityReachesDecision: false,
    ...spec,
  };
}

export function incident(id: string, spec: Partial<IncidentFacts> = {}): IncidentFacts {
  return {
    id,
    title: `incident ${id}`,
    severity: "low",
    firstAt: T0 - 10 * MIN,
    lastAt: T0 - 5 * MIN,
    originIds: [],
    recordIds: [],
    agents: [],
    acted: false,
    ...spec,
  };
}
