// Groups stored findings into incidents. The engine's evaluation loop calls
// it after each batch of findings commits. Lineage is asked first, outside
// any lock (reads only, and the slow part); then one transaction under an
// advisory lock re-reads which findings are still ungrouped, loads the
// candidate incidents row-locked (so an analyst's acknowledge waits for it,
// or it sees the acknowledge), and stores the pure plan.
import type pg from "pg";
import { applyGroupingPlan, candidateIncidents, lockGrouping, ungroupedFindings, type FindingForGrouping } from "../../db/incident-store.ts";
import { withTransaction } from "../../db/ingest-store.ts";
import { traceOrigin } from "../../lineage/lineage-queries.ts";
import type { OriginReport } from "../../lineage/origin.ts";
import type { WalkBounds } from "../../lineage/walk.ts";
import { DEFAULT_QUIET_MS, planIncidents, type FindingFacts } from "./grouping.ts";
import { IDENTITY_VERDICTS } from "./severity.ts";

/**
 * Small on purpose: grouping needs the nearby origin, not the whole history,
 * and runs after every batch. A cut-short walk still yields the origins it
 * reached, and the record itself stands in when it found none.
 */
export const GROUPING_BOUNDS: WalkBounds = { maxDepth: 200, maxNodes: 2_000, budgetMs: 2_000 };
/** Lineage walks run side by side, a few at a time, so one batch does not take the whole pool. */
const WALKS_AT_ONCE = 4;

export interface GroupingResult {
  /** Ids of the incidents this call opened. */
  opened: string[];
  /** Findings this call put into an incident (new or existing); findings already grouped are skipped. */
  attached: number;
  /** Ids of existing incidents merged into another (they remain as pointers, status `merged`). */
  merged: string[];
}

export async function groupFindings(pool: pg.Pool, project: string, findingIds: string[]): Promise<{ opened: string[]; attached: number; merged: string[] }> {
  const unique = [...new Set(findingIds)];
  const pending = await ungroupedFindings(pool, project, unique);
  if (pending.length === 0) return { opened: [], attached: 0, merged: [] };
  const lineage = await originsOf(pool, project, pending);
  const facts = pending.map((f) => factsOf(f, f.recordId === null ? null : (lineage.get(f.recordId) ?? null)));

  return withTransaction(pool, async (tx): Promise<GroupingResult> => {
    await lockGrouping(tx);
    // Another engine may have grouped some of them while lineage was asked.
    const still = new Set((await ungroupedFindings(tx, project, unique)).map((f) => f.id));
    const todo = facts.filter((f) => still.has(f.id));
    if (todo.length === 0) return { opened: [], attached: 0, merged: [] };
    const existing = await candidateIncidents(tx, project, {
      originIds: [...new Set(todo.flatMap((f) => f.origins))],
      recordIds: [...new Set(todo.flatMap((f) => (f.recordId === null ? f.upstream : [f.recordId, ...f.upstream])))],
      agents: [...new Set(todo.flatMap((f) => (f.recordId === null && f.agent !== null ? [f.agent] : [])))],
      from: Math.min(...todo.map((f) => f.at)),
      to: Math.max(...todo.map((f) => f.at)),
      quietMs: DEFAULT_QUIET_MS,
    });
    const plan = planIncidents(todo, existing, { quietMs: DEFAULT_QUIET_MS });
    const ids = await applyGroupingPlan(tx, project, plan, existing);
    return { opened: [...ids.values()], attached: plan.assignments.length, merged: plan.merges.map((m) => m.from) };
  });
}

async function originsOf(pool: pg.Pool, project: string, findings: readonly FindingForGrouping[]): Promise<Map<string, OriginReport>> {
  const recordIds = [...new Set(findings.flatMap((f) => (f.recordId === null ? [] : [f.recordId])))];
  const out = new Map<string, OriginReport>();
  for (let i = 0; i < recordIds.length; i += WALKS_AT_ONCE) {
    const chunk = recordIds.slice(i, i + WALKS_AT_ONCE);
    const reports = await Promise.all(chunk.map((id) => traceOrigin(pool, project, id, GROUPING_BOUNDS)));
    reports.forEach((r, n) => out.set(chunk[n]!, r));
  }
  return out;
}

/** What the pure grouping needs of a finding: its lineage, the agents it touches, and what makes it critical. */
export function factsOf(f: FindingForGrouping, report: OriginReport | null): FindingFacts {
  const origins = report?.origins.map((o) => o.id) ?? [];
  const steps = report?.paths.flatMap((p) => p.steps) ?? [];
  const agents = new Set<string>();
  if (f.agent !== null) agents.add(f.agent);
  for (const s of [...steps, ...(report?.origins ?? [])]) if (s.agent !== null) agents.add(s.agent);
  const originIdentityFailure = (report?.origins ?? []).some((o) =>
    o.reasons.some((r) => r.kind === "verification" && IDENTITY_VERDICTS.has(r.detail.split(":", 1)[0]!.trim())),
  );
  return {
    id: f.id,
    detector: f.detector,
    recordId: f.recordId,
    agent: f.agent,
    subject: f.subject,
    explanation: f.explanation,
    at: f.at,
    score: f.score,
    reach: f.reach,
    impact: f.impact,
    // A record with no origin found (not stored, or the walk was cut short) is its own.
    origins: f.recordId === null ? [] : origins.length > 0 ? origins : [f.recordId],
    upstream: [...new Set(steps.map((s) => s.id))].filter((id) => id !== f.recordId),
    agents: [...agents],
    redActionTainted: f.redAction,
    identityReachesDecision: f.recordIsDecision && (f.recordIdentityFailure || originIdentityFailure),
  };
}
