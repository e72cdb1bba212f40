// The breakers against the database: records in, transitions stored as
// events, states cached, each edge's breaker stepped by one collector at a
// time (lockBreakers). The decisions themselves are pure (edge-breakers.ts).
import type pg from "pg";
import type { AuditInput } from "../../audit/audit-chain.ts";
import { appendAuditEntry } from "../../db/audit-store.ts";
import { withTransaction } from "../../db/ingest-store.ts";
import { lockBreakers, redActionContext, saveBreakers, type Queryable } from "../../db/engine-store.ts";
import { agentsLeadingToRed, resolveBreakerConfig, type BreakerPolicy, type Edge } from "./config.ts";
import { observe, operate, tick, type EdgeBreaker, type EdgeTransition, type ObserveResult, type ObservedRecord, type OperatorInput } from "./edge-breakers.ts";
import type { StepContext } from "./machine.ts";

export interface BreakerSettings {
  policy: BreakerPolicy;
  /** Agents from which a red action can be reached (agentsLeadingToRed). */
  leadsToRed: ReadonlySet<string>;
}

export function contextFor(settings: BreakerSettings): (edge: Edge) => StepContext {
  return (edge) => resolveBreakerConfig(settings.policy, edge, settings.leadsToRed.has(edge.receiver));
}

/**
 * Which edges lead to red actions, from red actions taken since `since` and
 * the edges the breakers know. Two queries: refresh it now and then (every
 * minute, say), not per batch.
 */
export async function loadBreakerSettings(q: Queryable, project: string, policy: BreakerPolicy, since: Date): Promise<BreakerSettings> {
  const { redAgents, edges } = await redActionContext(q, project, since);
  return { policy, leadsToRed: agentsLeadingToRed(edges, redAgents) };
}

/** Feeds stored records to their edges' breakers and stores what changed, in one transaction. */
export async function observeRecords(pool: pg.Pool, project: string, records: readonly ObservedRecord[], settings: BreakerSettings): Promise<ObserveResult> {
  const edges: Edge[] = [];
  for (const r of records) for (const receiver of r.receivers) edges.push({ sender: r.agent, receiver });
  if (edges.length === 0) return { changed: new Map(), transitions: [], decisions: [] };
  return withTransaction(pool, async (tx) => {
    const current = await lockBreakers(tx, project, edges);
    const result = observe(current, records, contextFor(settings));
    await saveBreakers(tx, project, [...result.changed.values()], result.transitions);
    return result;
  });
}

/** A human action on one edge: kill switch, release, dry run, enforce, review, reset. */
export async function operateBreaker(
  pool: pg.Pool,
  project: string,
  edge: Edge,
  input: OperatorInput,
  settings: BreakerSettings,
  audit?: AuditInput,
): Promise<{ breaker: EdgeBreaker; transitions: EdgeTransition[]; rejected: string | null }> {
  return withTransaction(pool, async (tx) => {
    const current = await lockBreakers(tx, project, [edge]);
    const res = operate(current.get(`${edge.sender}\u0000${edge.receiver}`), edge, input, contextFor(settings)(edge));
    if (res.rejected === null) {
      await saveBreakers(tx, project, [res.breaker], res.transitions);
      // An override and its audit entry commit together.
      if (audit) await appendAuditEntry(tx, { ...audit, detail: { ...audit.detail, to: res.breaker.machine.state } });
    }
    return res;
  });
}

/** Open breakers whose open period has run out turn half-open (with an event), without waiting for a record. */
export async function tickBreakers(pool: pg.Pool, project: string, at: number, settings: BreakerSettings): Promise<ObserveResult> {
  const due = await pool.query<Edge>(
    `SELECT sender, receiver FROM breaker_states
      WHERE project_id = $2 AND state = 'OPEN' AND NOT (machine->>'awaitingReview')::boolean AND (machine->>'until')::double precision <= $1`,
    [at, project],
  );
  if (due.rows.length === 0) return { changed: new Map(), transitions: [], decisions: [] };
  return withTransaction(pool, async (tx) => {
    const current = await lockBreakers(tx, project, due.rows);
    const result = tick(current, at, contextFor(settings));
    await saveBreakers(tx, project, [...result.changed.values()], result.transitions);
    return result;
  });
}

