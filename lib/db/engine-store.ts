// The engine's tables: breaker events (every transition, with its cause),
// breaker states (the current state of every edge, cached from the events),
// and anomaly findings.
import type pg from "pg";
import { BreakerMachine } from "../engine/breaker/machine.ts";
import type { EdgeBreaker, EdgeTransition } from "../engine/breaker/edge-breakers.ts";
import type { BreakerCause, BreakerStateName } from "../engine/breaker/states.ts";
import type { Edge } from "../engine/breaker/config.ts";
import type { KeyToQuarantine } from "../engine/containment/contained-state.ts";
import { z } from "zod";
import { FINDING_KINDS, type Finding } from "../engine/detectors/finding.ts";
import { breakerWebhookEvents } from "../integrations/webhooks/breaker-events.ts";
import { enqueueWebhookEvents } from "./webhook-store.ts";
import { evidenceOf, evidencePairs } from "./finding-evidence.ts";

const FindingParams = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));
const DetectorNameSchema = z.enum(FINDING_KINDS);

export type Queryable = pg.Pool | pg.PoolClient | pg.Client;

// ---------------------------------------------------------------- breakers

/**
 * Takes a transaction-scoped lock per edge, in a fixed order so two
 * collectors never deadlock, then loads the edges' breakers: whoever holds
 * the locks is the only one stepping those breakers until COMMIT.
 */
export async function lockBreakers(tx: pg.PoolClient | pg.Client, project: string, edges: readonly Edge[]): Promise<Map<string, EdgeBreaker>> {
  if (edges.length === 0) return new Map();
  // One lock per edge, keyed by the hash of ["project","sender","receiver"]
  // (unambiguous whatever the names hold), taken in hash order.
  await tx.query(
    `SELECT pg_advisory_xact_lock(h)
       FROM (SELECT DISTINCT hashtextextended(json_build_array($3::text, s, r)::text, 7340) AS h
               FROM unnest($1::text[], $2::text[]) AS e(s, r) ORDER BY 1 OFFSET 0) k`,
    [edges.map((e) => e.sender), edges.map((e) => e.receiver), project],
  );
  return loadBreakers(tx, project, edges);
}

/** The breakers of the given edges (all of them when edges is omitted), by `${sender}\0${receiver}`. */
export async function loadBreakers(q: Queryable, project: string, edges?: readonly Edge[]): Promise<Map<string, EdgeBreaker>> {
  const res = await q.query<{ sender: string; receiver: string; machine: unknown }>(
    edges === undefined
      ? `SELECT sender, receiver, machine FROM breaker_states WHERE project_id = $1`
      : `SELECT s.sender, s.receiver, s.machine FROM breaker_states s
           JOIN unnest($1::text[], $2::text[]) AS e(sender, receiver) ON s.project_id = $3 AND e.sender = s.sender AND e.receiver = s.receiver`,
    edges === undefined ? [project] : [edges.map((e) => e.sender), edges.map((e) => e.receiver), project],
  );
  const out = new Map<string, EdgeBreaker>();
  for (const r of res.rows) out.set(`${r.sender}\u0000${r.receiver}`, { sender: r.sender, receiver: r.receiver, machine: BreakerMachine.parse(r.machine) });
  return out;
}

/** Stores new states and the transitions that led there, in the caller's transaction. */
export async function saveBreakers(tx: Queryable, project: string, breakers: readonly EdgeBreaker[], transitions: readonly EdgeTransition[]): Promise<void> {
  if (breakers.length > 0) {
    await tx.query(
      `INSERT INTO breaker_states (project_id, sender, receiver, state, since, machine, updated_at)
       SELECT $2, b.sender, b.receiver, b.state, to_timestamp(b.since / 1000.0), b.machine, now()
         FROM jsonb_to_recordset($1::jsonb) AS b(sender text, receiver text, state text, since double precision, machine jsonb)
       ON CONFLICT (project_id, sender, receiver) DO UPDATE
         SET state = EXCLUDED.state, since = EXCLUDED.since, machine = EXCLUDED.machine, updated_at = now()`,
      [JSON.stringify(breakers.map((b) => ({ sender: b.sender, receiver: b.receiver, state: b.machine.state, since: b.machine.since, machine: b.machine }))), project],
    );
  }
  if (transitions.length > 0) {
    await tx.query(
      `INSERT INTO breaker_events (project_id, sender, receiver, from_state, to_state, at, cause, record_ids, detail, actor)
       SELECT $2, t.sender, t.receiver, t."from", t."to", to_timestamp(t.at / 1000.0), t.cause, t."recordIds", t.detail, t.actor
         FROM jsonb_to_recordset($1::jsonb) AS t(sender text, receiver text, "from" text, "to" text, at double precision, cause text,
              "recordIds" text[], detail text, actor text)`,
      [JSON.stringify(transitions), project],
    );
    // Trips and kill switches alert through the webhook outbox, committed with the transition.
    await enqueueWebhookEvents(tx, project, breakerWebhookEvents(transitions));
  }
}

export interface BreakerStateRow extends Edge {
  state: BreakerStateName;
  since: Date;
  /** OPEN: when it may let a probe through (unless it waits for review). */
  until: Date | null;
  awaitingReview: boolean;
  updatedAt: Date;
}

/** The current state of every edge: one indexed-free scan of a table with one row per edge. */
export async function currentBreakerStates(q: Queryable, project: string): Promise<BreakerStateRow[]> {
  const res = await q.query<{ sender: string; receiver: string; state: BreakerStateName; since: Date; until: string | null; awaiting: boolean | null; updated_at: Date }>(
    `SELECT sender, receiver, state, since, machine->>'until' AS until, (machine->>'awaitingReview')::boolean AS awaiting, updated_at
       FROM breaker_states WHERE project_id = $1 ORDER BY sender, receiver`,
    [project],
  );
  return res.rows.map((r) => ({
    sender: r.sender,
    receiver: r.receiver,
    state: r.state,
    since: r.since,
    until: r.until === null ? null : new Date(Number(r.until)),
    awaitingReview: r.awaiting ?? false,
    updatedAt: r.updated_at,
  }));
}

export interface BreakerEventRow extends Edge {
  id: string;
  from: BreakerStateName;
  to: BreakerStateName;
  at: Date;
  cause: BreakerCause;
  recordIds: string[];
  detail: string;
  actor: string | null;
}

export interface BreakerEventFilter {
  sender?: string;
  receiver?: string;
  cause?: BreakerCause;
  from?: Date;
  to?: Date;
  limit?: number;
}

/** Transitions, newest first. */
export async function listBreakerEvents(q: Queryable, project: string, f: BreakerEventFilter = {}): Promise<BreakerEventRow[]> {
  const res = await q.query<{
    id: string;
    sender: string;
    receiver: string;
    from_state: BreakerStateName;
    to_state: BreakerStateName;
    at: Date;
    cause: BreakerCause;
    record_ids: string[] | null;
    detail: string;
    actor: string | null;
  }>(
    `SELECT id::text, sender, receiver, from_state, to_state, at, cause, record_ids, detail, actor FROM breaker_events
      WHERE project_id = $7 AND ($1::text IS NULL OR sender = $1) AND ($2::text IS NULL OR receiver = $2) AND ($3::text IS NULL OR cause = $3)
        AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
      ORDER BY at DESC, id DESC LIMIT $6`,
    [f.sender ?? null, f.receiver ?? null, f.cause ?? null, f.from ?? null, f.to ?? null, Math.min(Math.max(1, f.limit ?? 100), 10_000), project],
  );
  return res.rows.map((r) => ({
    id: r.id,
    sender: r.sender,
    receiver: r.receiver,
    from: r.from_state,
    to: r.to_state,
    at: r.at,
    cause: r.cause,
    recordIds: r.record_ids ?? [],
    detail: r.detail,
    actor: r.actor,
  }));
}

/**
 * What "leads to a red action" is decided from: agents that took a red
 * action since `since`, and the message edges the breakers know.
 */
export async function redActionContext(q: Queryable, project: string, since: Date): Promise<{ redAgents: string[]; edges: Edge[] }> {
  const red = await q.query<{ agent: string }>(
    `SELECT DISTINCT agent FROM records WHERE project_id = $2 AND kind = 'action' AND action_class = 'red' AND ts >= $1`,
    [since, project],
  );
  const edges = await q.query<{ sender: string; receiver: string }>(`SELECT sender, receiver FROM breaker_states WHERE project_id = $1`, [project]);
  return { redAgents: red.rows.map((r) => r.agent), edges: edges.rows };
}

// ---------------------------------------------------------------- findings

/**
 * Stores findings (with their reach and impact when scored), and every record
 * each names (its record and its evidence) in finding_records, where lineage
 * reads them; returns their ids in order.
 */
export async function insertFindings(q: Queryable, project: string, findings: readonly (Finding & { reach?: number; impact?: number })[]): Promise<string[]> {
  if (findings.length === 0) return [];
  const res = await q.query<{ id: string }>(
    `INSERT INTO anomaly_findings (project_id, detector, record_id, agent, subject, score, explanation, params, evidence, ts, reach, impact)
     SELECT $2, f.detector, f."recordId", f.agent, f.subject, f.score, f.explanation, f.params, f.evidence, to_timestamp(f.at / 1000.0), f.reach, f.impact
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (detector text, "recordId" text, agent text, subject text, score double precision,
            explanation text, params jsonb, evidence text[], at double precision, reach integer, impact double precision))
            WITH ORDINALITY AS f(detector, "recordId", agent, subject, score, explanation, params, evidence, at, reach, impact, n)
      ORDER BY f.n
     RETURNING id::text`,
    [JSON.stringify(findings.map((f) => ({ ...f, score: Number.isFinite(f.score) ? f.score : null, reach: f.reach ?? null, impact: f.impact ?? null }))), project],
  );
  const ids = res.rows.map((r) => r.id);
  const findingIds: string[] = [];
  const recordIds: string[] = [];
  findings.forEach((f, i) => {
    for (const id of new Set([...(f.recordId === null ? [] : [f.recordId]), ...f.evidence])) {
      findingIds.push(ids[i]!);
      recordIds.push(id);
    }
  });
  await linkFindingRecords(q, project, findingIds, recordIds);
  return ids;
}

async function linkFindingRecords(q: Queryable, project: string, findingIds: readonly string[], recordIds: readonly string[]): Promise<void> {
  if (findingIds.length === 0) return;
  await q.query(
    // Joined to the findings: a finding gone since (deleted, or never committed) is skipped, not an error.
    `INSERT INTO finding_records (project_id, finding_id, record_id)
     SELECT a.project_id, u.f, u.r FROM unnest($1::bigint[], $2::text[]) AS u(f, r) JOIN anomaly_findings a ON a.id = u.f AND a.project_id = $3
     ON CONFLICT DO NOTHING`,
    [findingIds, recordIds, project],
  );
}

/**
 * Appends evidence to several findings in one statement (an engine pass can
 * have a cap cooling down for every agent of a storm): rows of
 * finding_records, ordered by `pos`, never a rewrite of the finding's array
 * (lib/db/finding-evidence.ts). A finding gone since is skipped; a record it
 * already names is not added again.
 */
export async function appendEvidenceToMany(q: Queryable, project: string, byFinding: ReadonlyMap<string, readonly string[]>): Promise<void> {
  const { findingIds, recordIds } = evidencePairs(byFinding);
  if (findingIds.length === 0) return;
  // nextval in the select list is evaluated after the ORDER BY (PostgreSQL
  // postpones volatile expressions past a sort), so `pos` keeps the pass's order.
  await q.query(
    `INSERT INTO finding_records (project_id, finding_id, record_id, pos)
     SELECT a.project_id, u.f, u.r, nextval('finding_records_pos_seq')
       FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS u(f, r, n) JOIN anomaly_findings a ON a.id = u.f AND a.project_id = $3
      ORDER BY u.n
     ON CONFLICT DO NOTHING`,
    [findingIds, recordIds, project],
  );
}

export interface StoredFinding extends Omit<Finding, "at" | "score"> {
  id: string;
  at: Date;
  score: number | null;
}

export async function listFindings(q: Queryable, project: string, f: { detector?: string; agent?: string; recordId?: string; from?: Date; limit?: number } = {}): Promise<StoredFinding[]> {
  const res = await q.query<{
    id: string;
    detector: string;
    record_id: string | null;
    agent: string | null;
    subject: string;
    score: number | null;
    explanation: string;
    params: unknown;
    evidence: string[] | null;
    ts: Date;
  }>(
    `SELECT id::text, detector, record_id, agent, subject, score, explanation, params, ${evidenceOf("anomaly_findings")} AS evidence, ts FROM anomaly_findings
      WHERE project_id = $6 AND ($1::text IS NULL OR detector = $1) AND ($2::text IS NULL OR agent = $2) AND ($3::text IS NULL OR record_id = $3)
        AND ($4::timestamptz IS NULL OR ts >= $4)
      ORDER BY ts DESC, id DESC LIMIT $5`,
    [f.detector ?? null, f.agent ?? null, f.recordId ?? null, f.from ?? null, Math.min(Math.max(1, f.limit ?? 100), 10_000), project],
  );
  return res.rows.map((r) => ({
    id: r.id,
    detector: DetectorNameSchema.parse(r.detector),
    recordId: r.record_id,
    agent: r.agent,
    subject: r.subject,
    score: r.score,
    explanation: r.explanation,
    params: FindingParams.parse(r.params),
    evidence: r.evidence ?? [],
    at: r.ts,
  }));
}

/** Edges whose breaker refuses traffic now (OPEN, FORCED_OPEN): what state quarantine follows. */
export async function refusingEdges(q: Queryable, project: string): Promise<Edge[]> {
  const res = await q.query<{ sender: string; receiver: string }>(
    `SELECT sender, receiver FROM breaker_states WHERE project_id = $1 AND state IN ('OPEN', 'FORCED_OPEN')`,
    [project],
  );
  return res.rows;
}

/**
 * The engine's quarantines, inside its pass's transaction: a key already
 * quarantined stays as it is (the first write that showed it is the one
 * kept). Returns how many keys were newly quarantined.
 */
export async function quarantineKeys(tx: Queryable, project: string, keys: readonly KeyToQuarantine[]): Promise<number> {
  if (keys.length === 0) return 0;
  const res = await tx.query(
    `INSERT INTO state_quarantines (project_id, key, state, record_id, reason, opened_by)
     SELECT $1, k, 'active', r, why, 'engine' FROM unnest($2::text[], $3::text[], $4::text[]) AS t(k, r, why)
     ON CONFLICT (project_id, key) WHERE state = 'active' DO NOTHING`,
    [project, keys.map((k) => k.key), keys.map((k) => k.recordId), keys.map((k) => k.reason)],
  );
  return res.rowCount ?? 0;
}
