// An incident's status as a state machine: a typed state, the legal moves,
// and a pure function that either moves or says, in words an analyst can act
// on, why not. Analysts acknowledge and resolve; only the grouping engine
// merges, and only an incident no analyst has touched.

export const INCIDENT_STATUSES = ["open", "acknowledged", "resolved", "merged"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Statuses in which new findings may still join an incident. */
export const GROUPABLE_STATUSES: readonly IncidentStatus[] = ["open", "acknowledged"];

export type IncidentMove = "acknowledge" | "resolve" | "merge";

export const LEGAL_MOVES: readonly { from: IncidentStatus; move: IncidentMove; to: IncidentStatus }[] = [
  { from: "open", move: "acknowledge", to: "acknowledged" },
  { from: "open", move: "resolve", to: "resolved" },
  { from: "acknowledged", move: "resolve", to: "resolved" },
  { from: "open", move: "merge", to: "merged" },
];

export interface StatusFacts {
  id: string;
  status: IncidentStatus;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  mergedInto: string | null;
}

export type MoveResult = { ok: true; to: IncidentStatus } | { ok: false; reason: string };

export function moveIncident(facts: StatusFacts, move: IncidentMove): MoveResult {
  const legal = LEGAL_MOVES.find((m) => m.from === facts.status && m.move === move);
  if (legal) return { ok: true, to: legal.to };
  return { ok: false, reason: refusal(facts, move) };
}

function refusal(f: StatusFacts, move: IncidentMove): string {
  const by = (who: string | null, at: Date | null) => `${who ? ` by ${who}` : ""}${at ? ` at ${at.toISOString()}` : ""}`;
  if (f.status === "merged") return `incident ${f.id} was merged into incident ${f.mergedInto ?? "?"}: act on incident ${f.mergedInto ?? "?"} instead`;
  if (f.status === "resolved") {
    const when = by(f.resolvedBy, f.resolvedAt);
    return move === "resolve"
      ? `incident ${f.id} is already resolved${when}: add a note to say more`
      : `incident ${f.id} is resolved${when} and cannot be ${move === "acknowledge" ? "acknowledged" : "merged"}: add a note to say more; new findings open a new incident`;
  }
  if (f.status === "acknowledged" && move === "acknowledge") {
    return `incident ${f.id} is already acknowledged${by(f.acknowledgedBy, f.acknowledgedAt)}: resolve it when it is dealt with`;
  }
  return `incident ${f.id} is ${f.status}: an analyst has acted on it, so it is never merged; it is linked instead`;
}
