import { evidenceOf } from "./finding-evidence.ts";
import "server-only";
import type pg from "pg";
import { z } from "zod";
import type { Principal } from "../api/auth.ts";
import type {
  BlastRadiusView,
  BreakerEventsQuery,
  BreakerEventsResponse,
  BreakerOperationBody,
  BreakerOperationView,
  BreakersQuery,
  BreakersResponse,
  BreakerView,
  CompromiseImpactView,
  CompromiseMarkBody,
  CompromiseMarksQuery,
  CompromiseMarkView,
  DeletedView,
  FindingsPage,
  FindingsQuery,
  FindingView,
  LineageRecordQuery,
  OriginView,
  RecordMarkBody,
  RecordMarksQuery,
  RecordMarkView,
  StateOriginQuery,
  StateOriginView,
} from "../api/engine-views.ts";
import { badRequest, conflict, notFound } from "../api/errors.ts";
import { loadBreakerSettings, operateBreaker } from "../engine/breaker/breaker-runner.ts";
import { BreakerPolicy, type Edge } from "../engine/breaker/config.ts";
import type { OperatorInput } from "../engine/breaker/edge-breakers.ts";
import { BreakerMachine } from "../engine/breaker/machine.ts";
import { countWindow } from "../engine/breaker/outcome-window.ts";
import { toWalkBounds, type LineageBoundsQuery } from "../lineage/bounds-schema.ts";
import { compromiseImpact, traceBlastRadius, traceOrigin, traceStateOrigin } from "../lineage/lineage-queries.ts";
import type { CompromiseMark } from "../lineage/suspicion.ts";
import { listBreakerEvents } from "./engine-store.ts";
import { withTransaction } from "./ingest-store.ts";
import { auditInTransaction } from "../audit/audit-log.ts";
import {
  createCompromiseMark,
  deleteCompromiseMark,
  deleteRecordMark,
  getCompromiseMark,
  listCompromiseMarks,
  listRecordMarks,
  markRecord,
  type Queryable,
  type RecordMark,
} from "./lineage-store.ts";

// The engine's API, one function per route: lineage questions, marks,
// findings and breakers, answered in the shapes of lib/api/engine-views.ts.
// Everything here goes through raw `pg` (lib/db/pool.ts): the lineage walks
// and the breaker runner are written against it.

const iso = (ms: number | Date): string => new Date(ms).toISOString();

/** Who made a change, as stored beside it. */
export function actorOf(principal: Principal | null): string {
  if (principal === null) throw new Error("a change reached the engine API without a principal");
  return principal.actor;
}

const noRecord = (id: string) =>
  notFound(`no record has the id ${JSON.stringify(id)}: check the id, or the record has not reached the collector yet`);

// ---------------------------------------------------------------- lineage

/** Upstream from a record: its origins, a path to each, and why each step is suspect. */
export async function originOfRecord(q: Queryable, project: string, query: LineageRecordQuery): Promise<OriginView> {
  const report = await traceOrigin(q, project, query.record, toWalkBounds(query));
  if (!report.startStored) throw noRecord(query.record);
  return report;
}

/** Downstream from a record. An id never stored but referenced by stored records still has a radius. */
export async function blastRadiusOfRecord(q: Queryable, project: string, query: LineageRecordQuery): Promise<BlastRadiusView> {
  const answer = await traceBlastRadius(q, project, query.record, toWalkBounds(query));
  if (!answer.starts.some((s) => s.stored) && answer.descendants.length === 0) throw noRecord(query.record);
  return answer;
}

/** Upstream from the version of a state key current at a time. */
export async function stateOriginOf(q: Queryable, project: string, query: StateOriginQuery): Promise<StateOriginView> {
  const at = query.at === undefined ? undefined : new Date(query.at);
  const origin = await traceStateOrigin(q, project, query.key, at, toWalkBounds(query));
  if (origin === null) {
    throw notFound(
      `the state key ${JSON.stringify(query.key)} has no state.write${at ? ` at or before ${at.toISOString()}` : ""}: check the key (the intent of its writes)${at ? " or a later `at`" : ""}`,
    );
  }
  return { key: query.key, at: at?.toISOString() ?? null, version: origin.start, origin };
}

// ---------------------------------------------------------------- marks

const compromiseView = (m: CompromiseMark): CompromiseMarkView => ({ ...m, from: iso(m.from), markedAt: iso(m.markedAt) });
const recordMarkView = (m: RecordMark): RecordMarkView => ({ ...m, markedAt: iso(m.markedAt) });

/** Marks an agent (or one of its keys) compromised from a time on; every later lineage answer changes with it. */
export async function addCompromiseMark(q: pg.Pool, project: string, body: CompromiseMarkBody, actor: string): Promise<CompromiseMarkView> {
  const keyId = body.keyId ?? null;
  // A typo would make a mark that taints nothing, silently: the agent (and key) must be known.
  const known = await q.query<{ agent: boolean; key: boolean }>(
    `SELECT (EXISTS (SELECT 1 FROM agents WHERE project_id = $3 AND id = $1) OR EXISTS (SELECT 1 FROM records WHERE project_id = $3 AND agent = $1)) AS agent,
            ($2::text IS NULL OR EXISTS (SELECT 1 FROM agent_keys WHERE project_id = $3 AND agent_id = $1 AND key_id = $2)
                              OR EXISTS (SELECT 1 FROM records WHERE project_id = $3 AND agent = $1 AND key_id = $2)) AS key`,
    [body.agent, keyId, project],
  );
  const row = known.rows[0];
  if (!row?.agent) throw notFound(`no agent ${JSON.stringify(body.agent)} is registered or has sent a record: check the agent id`);
  if (!row.key) throw notFound(`agent ${body.agent} has no key ${JSON.stringify(keyId)} in the registry or on its records: check keyId, or leave it out to mark the whole agent`);
  return withTransaction(q, async (tx) => {
    const mark = await createCompromiseMark(tx, project, { agent: body.agent, keyId, from: new Date(body.from), reason: body.reason, markedBy: actor });
    await auditInTransaction(tx, { actor, action: "mark.compromise", target: `agent:${body.agent}`, detail: { project, mark: String(mark.id), keyId, from: body.from, reason: body.reason } });
    return compromiseView(mark);
  });
}

export async function compromiseMarks(q: Queryable, project: string, query: CompromiseMarksQuery): Promise<CompromiseMarkView[]> {
  return (await listCompromiseMarks(q, project, query.agent)).map(compromiseView);
}

const noMark = (what: string, id: string) => notFound(`no ${what} mark has the id ${id}: list the marks for their ids`);

export async function compromiseMark(q: Queryable, project: string, id: string): Promise<CompromiseMarkView> {
  const mark = await getCompromiseMark(q, project, id);
  if (!mark) throw noMark("compromise", id);
  return compromiseView(mark);
}

/** Withdraws a mark made in error. */
export async function withdrawCompromiseMark(q: pg.Pool, project: string, id: string, actor: string): Promise<DeletedView> {
  return withTransaction(q, async (tx) => {
    if (!(await deleteCompromiseMark(tx, project, id))) throw noMark("compromise", id);
    await auditInTransaction(tx, { actor, action: "mark.compromise_withdrawn", target: `mark:${id}`, detail: { project } });
    return { id, deleted: true as const };
  });
}

/** What a compromise mark taints: the records it covers and everything downstream of them. */
export async function impactOfMark(q: Queryable, project: string, id: string, bounds: LineageBoundsQuery): Promise<CompromiseImpactView> {
  const impact = await compromiseImpact(q, project, id, toWalkBounds(bounds));
  if (!impact) throw noMark("compromise", id);
  return { ...impact, mark: compromiseView(impact.mark) };
}

/** An analyst marks a stored record suspect. */
export async function addRecordMark(q: pg.Pool, project: string, body: RecordMarkBody, actor: string): Promise<RecordMarkView> {
  const stored = await q.query(`SELECT 1 FROM records WHERE project_id = $2 AND record_id = $1 LIMIT 1`, [body.record, project]);
  if (stored.rowCount === 0) throw noRecord(body.record);
  return withTransaction(q, async (tx) => {
    const mark = await markRecord(tx, project, { recordId: body.record, reason: body.reason, markedBy: actor });
    await auditInTransaction(tx, { actor, action: "mark.record", target: `record:${body.record}`, detail: { project, reason: body.reason } });
    return recordMarkView(mark);
  });
}

export async function recordMarks(q: Queryable, project: string, query: RecordMarksQuery): Promise<RecordMarkView[]> {
  return (await listRecordMarks(q, project, query.record)).map(recordMarkView);
}

export async function withdrawRecordMark(q: pg.Pool, project: string, id: string, actor: string): Promise<DeletedView> {
  return withTransaction(q, async (tx) => {
    if (!(await deleteRecordMark(tx, project, id))) throw noMark("record", id);
    await auditInTransaction(tx, { actor, action: "mark.record_withdrawn", target: `mark:${id}`, detail: { project } });
    return { id, deleted: true as const };
  });
}

// ---------------------------------------------------------------- findings

// Opaque to clients like the records cursor (lib/api/cursor.ts), but a
// position in one of two orders, so a cursor from one order is refused by the other.
const digits = z.string().regex(/^\d{1,19}$/);
const FindingPosition = z.discriminatedUnion("o", [
  z.object({ o: z.literal("time"), t: z.iso.datetime({ offset: true }), s: digits }),
  z.object({ o: z.literal("impact"), i: z.number().nullable(), s: digits }),
]);
type FindingPosition = z.infer<typeof FindingPosition>;

const encodeFindingCursor = (p: FindingPosition): string => Buffer.from(JSON.stringify(p), "utf8").toString("base64url");

function decodeFindingCursor(cursor: string, order: FindingsQuery["order"]): FindingPosition {
  let raw: unknown = null;
  try {
    raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    // Not JSON: refused below like any other cursor this API did not issue.
  }
  const parsed = FindingPosition.safeParse(raw);
  if (!parsed.success) {
    throw badRequest("`cursor` is not a cursor this API issued: pass `nextCursor` from the previous page unchanged", [{ path: "query.cursor", message: "not a valid cursor" }]);
  }
  if (parsed.data.o !== order) {
    throw badRequest(`\`cursor\` belongs to order=${parsed.data.o}: keep \`order\` the same while paging`, [{ path: "query.cursor", message: `issued for order=${parsed.data.o}` }]);
  }
  return parsed.data;
}

export interface FindingRow {
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
  impact: number | null;
  reach: number | null;
}

const FindingParams = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));

export const findingView = (r: FindingRow): FindingView => ({
  id: r.id,
  detector: r.detector,
  recordId: r.record_id,
  agent: r.agent,
  subject: r.subject,
  score: r.score,
  explanation: r.explanation,
  params: FindingParams.parse(r.params),
  evidence: r.evidence ?? [],
  at: r.ts.toISOString(),
  impact: r.impact,
  reach: r.reach,
});

/** Collects `WHERE` conditions with their `$n` parameters. */
class Where {
  readonly params: unknown[] = [];
  private readonly parts: string[] = [];
  /** `sql` names its parameters as `$?`, in order. */
  add(sql: string, ...values: unknown[]): void {
    this.parts.push(sql.replace(/\$\?/g, () => `$${this.params.push(values.shift())}`));
  }
  param(value: unknown): string {
    return `$${this.params.push(value)}`;
  }
  toString(): string {
    return this.parts.length === 0 ? "" : `WHERE ${this.parts.join(" AND ")}`;
  }
}

/** Findings newest first, or highest impact first (unscored last), keyset-paginated. */
export async function findingsPage(q: Queryable, project: string, query: FindingsQuery): Promise<FindingsPage> {
  const where = new Where();
  where.add(`project_id = $?`, project);
  if (query.detector !== undefined) where.add(`detector = $?`, query.detector);
  if (query.agent !== undefined) where.add(`agent = $?`, query.agent);
  if (query.record !== undefined) where.add(`record_id = $?`, query.record);
  if (query.from !== undefined) where.add(`ts >= $?`, new Date(query.from));
  if (query.to !== undefined) where.add(`ts < $?`, new Date(query.to));
  const after = query.cursor === undefined ? null : decodeFindingCursor(query.cursor, query.order);
  if (after?.o === "time") {
    // Spelled out rather than a row comparison so the planner can range-scan ts.
    where.add(`ts <= $? AND (ts < $? OR id < $?::bigint)`, new Date(after.t), new Date(after.t), after.s);
  } else if (after?.o === "impact") {
    if (after.i === null) where.add(`impact IS NULL AND id < $?::bigint`, after.s);
    else where.add(`(impact < $? OR (impact = $? AND id < $?::bigint) OR impact IS NULL)`, after.i, after.i, after.s);
  }
  const orderBy = query.order === "impact" ? `impact DESC NULLS LAST, id DESC` : `ts DESC, id DESC`;
  const res = await q.query<FindingRow>(
    `SELECT id::text, detector, record_id, agent, subject, score, explanation, params, ${evidenceOf("anomaly_findings")} AS evidence, ts, impact, reach
       FROM anomaly_findings ${where} ORDER BY ${orderBy} LIMIT ${where.param(query.limit + 1)}`,
    where.params,
  );
  const page = res.rows.slice(0, query.limit);
  const last = page.at(-1);
  let nextCursor: string | null = null;
  if (res.rows.length > query.limit && last) {
    nextCursor = encodeFindingCursor(query.order === "impact" ? { o: "impact", i: last.impact, s: last.id } : { o: "time", t: last.ts.toISOString(), s: last.id });
  }
  return { items: page.map(findingView), nextCursor };
}

// ---------------------------------------------------------------- breakers

function breakerView(edge: Edge, machine: BreakerMachine, updatedAt: Date): BreakerView {
  const counting = machine.state === "CLOSED" || machine.state === "METRICS_ONLY" ? machine : null;
  return {
    sender: edge.sender,
    receiver: edge.receiver,
    state: machine.state,
    since: iso(machine.since),
    reopensAt: machine.state === "OPEN" && !machine.awaitingReview ? iso(machine.until) : null,
    awaitingReview: machine.state === "OPEN" && machine.awaitingReview,
    failures: counting ? { inARow: counting.streak.count, window: countWindow(counting.window) } : null,
    probesLeft: machine.state === "HALF_OPEN" ? machine.probesLeft : null,
    wouldHaveTripped: machine.state === "METRICS_ONLY" ? machine.wouldHaveTripped : null,
    forced: machine.state === "FORCED_OPEN" ? { actor: machine.actor, reason: machine.reason } : null,
    updatedAt: updatedAt.toISOString(),
  };
}

/** The current state of every edge's breaker, by sender then receiver. */
export async function breakers(q: Queryable, project: string, query: BreakersQuery): Promise<BreakersResponse> {
  const where = new Where();
  where.add(`project_id = $?`, project);
  if (query.sender !== undefined) where.add(`sender = $?`, query.sender);
  if (query.receiver !== undefined) where.add(`receiver = $?`, query.receiver);
  if (query.state !== undefined) where.add(`state = $?`, query.state);
  const res = await q.query<{ sender: string; receiver: string; machine: unknown; updated_at: Date }>(
    `SELECT sender, receiver, machine, updated_at FROM breaker_states ${where} ORDER BY sender, receiver`,
    where.params,
  );
  return { items: res.rows.map((r) => breakerView(r, BreakerMachine.parse(r.machine), r.updated_at)) };
}

/** Breaker transitions, newest first. */
export async function breakerEvents(q: Queryable, project: string, query: BreakerEventsQuery): Promise<BreakerEventsResponse> {
  const rows = await listBreakerEvents(q, project, {
    ...(query.sender !== undefined && { sender: query.sender }),
    ...(query.receiver !== undefined && { receiver: query.receiver }),
    ...(query.cause !== undefined && { cause: query.cause }),
    ...(query.from !== undefined && { from: new Date(query.from) }),
    ...(query.to !== undefined && { to: new Date(query.to) }),
    limit: query.limit,
  });
  return { items: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
}

/** Which agents lead to red actions is read from this far back, as the engine loop does. */
const RED_ACTION_LOOKBACK_MS = 7 * 86_400_000;

function operatorInput(body: BreakerOperationBody, actor: string, at: number): OperatorInput {
  switch (body.action) {
    case "force_open":
      return { type: "force_open", at, actor, reason: body.reason };
    case "review":
      if (body.decision === undefined) throw badRequest("a review needs a decision: release or keep_open", [{ path: "body.decision", message: "required for action review" }]);
      return { type: "review", at, actor, decision: body.decision, note: body.reason };
    default:
      return { type: body.action, at, actor, reason: body.reason };
  }
}

/** A human action on one edge's breaker; 409 when it does not apply in the breaker's state. */
export async function operateEdgeBreaker(p: pg.Pool, project: string, body: BreakerOperationBody, actor: string, now = Date.now()): Promise<BreakerOperationView> {
  const edge = { sender: body.sender, receiver: body.receiver };
  const settings = await loadBreakerSettings(p, project, BreakerPolicy.parse({}), new Date(now - RED_ACTION_LOOKBACK_MS));
  const res = await operateBreaker(p, project, edge, operatorInput(body, actor, now), settings, {
    actor,
    action: `breaker.${body.action}`,
    target: `edge:${edge.sender}->${edge.receiver}`,
    detail: { project, reason: body.reason, decision: body.decision ?? null },
  });
  if (res.rejected !== null) throw conflict(`cannot ${body.action.replace("_", " ")} the breaker ${edge.sender} -> ${edge.receiver}: ${res.rejected}`);
  return {
    breaker: breakerView(edge, res.breaker.machine, new Date(now)),
    transitions: res.transitions.map((t) => ({ ...t, at: iso(t.at) })),
  };
}
