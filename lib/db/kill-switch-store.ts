import "server-only";
import type pg from "pg";
import type { ControlPolicyView, KillSwitchBody, KillSwitchesResponse, KillSwitchView } from "../api/control-views.ts";
import { conflict, notFound } from "../api/errors.ts";
import { auditInTransaction } from "../audit/audit-log.ts";
import {
  auditTarget,
  confirmKillAll,
  describeTarget,
  expire,
  hasLapsed,
  KILL_ALL_CONFIRM_MS,
  liftSwitch,
  targetText,
  type KillAct,
  type KillScope,
  type KillSwitch,
  type KillSwitchState,
  type Outcome,
} from "../control/kill-switch.ts";
import { mergePolicy, type EdgeBreakerState } from "../control/policy-document.ts";
import { withTransaction } from "./ingest-store.ts";
import type { Queryable } from "./engine-store.ts";

// Kill switches in the database: each act an event (kill_switch_events), the
// current state of each switch cached in kill_switches, and the audit entry,
// all in one transaction. The table triggers bump control_policy_version and
// NOTIFY firebreak_policy on commit (migration 20261205020000), so every
// policy stream hears of the change whichever process made it. The version
// is instance-wide; the document a guard reads is its own project's only.

interface SwitchRow {
  id: string;
  scope: KillScope;
  target: string;
  state: KillSwitchState;
  requested_by: string;
  reason: string;
  requested_at: Date;
  expires_at: Date | null;
  confirmed_by: string | null;
  confirm_reason: string | null;
  confirmed_at: Date | null;
  lifted_by: string | null;
  lift_reason: string | null;
  lifted_at: Date | null;
}

const COLUMNS = `id::text, scope, target, state, requested_by, reason, requested_at, expires_at, confirmed_by, confirm_reason, confirmed_at, lifted_by, lift_reason, lifted_at`;
const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());
const iso = (n: number | null): string | null => (n === null ? null : new Date(n).toISOString());

function fromRow(r: SwitchRow): KillSwitch {
  return {
    id: r.id,
    scope: r.scope,
    target: r.target,
    state: r.state,
    requestedBy: r.requested_by,
    reason: r.reason,
    requestedAt: r.requested_at.getTime(),
    expiresAt: ms(r.expires_at),
    confirmedBy: r.confirmed_by,
    confirmReason: r.confirm_reason,
    confirmedAt: ms(r.confirmed_at),
    liftedBy: r.lifted_by,
    liftReason: r.lift_reason,
    liftedAt: ms(r.lifted_at),
  };
}

/** A pending kill-all past its deadline reads as expired, whether or not anyone has written that down yet. */
function toView(sw: KillSwitch, now: number): KillSwitchView {
  return {
    id: sw.id,
    scope: sw.scope,
    target: sw.target,
    state: hasLapsed(sw, now) ? "expired" : sw.state,
    requestedBy: sw.requestedBy,
    reason: sw.reason,
    requestedAt: new Date(sw.requestedAt).toISOString(),
    expiresAt: iso(sw.expiresAt),
    confirmedBy: sw.confirmedBy,
    confirmReason: sw.confirmReason,
    confirmedAt: iso(sw.confirmedAt),
    liftedBy: sw.liftedBy,
    liftReason: sw.liftReason,
    liftedAt: iso(sw.liftedAt),
  };
}

async function readVersion(q: Queryable): Promise<number> {
  const res = await q.query<{ version: string }>(`SELECT version::text FROM control_policy_version WHERE id = 1`);
  return Number(res.rows[0]?.version ?? 0);
}

/** Live switches and pending requests, and the last ones that ended: one indexed read each. */
export async function listKillSwitches(q: Queryable, project: string, now = Date.now()): Promise<KillSwitchesResponse> {
  const [version, live, recent] = await Promise.all([
    readVersion(q),
    q.query<SwitchRow>(`SELECT ${COLUMNS} FROM kill_switches WHERE project_id = $1 AND state IN ('active', 'pending') ORDER BY requested_at DESC, id DESC`, [project]),
    q.query<SwitchRow>(
      `SELECT ${COLUMNS} FROM kill_switches WHERE project_id = $1 AND state NOT IN ('active', 'pending') ORDER BY coalesce(lifted_at, expires_at, requested_at) DESC, id DESC LIMIT 20`,
      [project],
    ),
  ]);
  const switches = live.rows.map(fromRow);
  const pending = switches.find((s) => s.state === "pending" && !hasLapsed(s, now)) ?? null;
  const lapsed = switches.filter((s) => hasLapsed(s, now));
  return {
    version,
    active: switches.filter((s) => s.state === "active").map((s) => toView(s, now)),
    pendingKillAll: pending === null ? null : toView(pending, now),
    recent: [...lapsed, ...recent.rows.map(fromRow)].map((s) => toView(s, now)),
  };
}

async function appendEvent(tx: Queryable, project: string, sw: KillSwitch, act: KillAct, actor: string, reason: string, at: number): Promise<void> {
  await tx.query(
    `INSERT INTO kill_switch_events (switch_id, at, action, scope, target, actor, reason, project_id) VALUES ($1::bigint, $2, $3, $4, $5, $6, $7, $8)`,
    [sw.id, new Date(at), act, sw.scope, sw.target, actor, reason, project],
  );
}

const AUDIT_ACTION: Record<KillAct, (scope: KillScope) => string> = {
  kill: (scope) => `kill.${scope}`,
  request_kill_all: () => "kill.all.request",
  confirm_kill_all: () => "kill.all.confirm",
  lift: (scope) => `kill.${scope}.lift`,
  cancel: () => "kill.all.cancel",
  expire: () => "kill.all.expire",
};

async function record(tx: pg.PoolClient, project: string, sw: KillSwitch, act: KillAct, actor: string, reason: string, at: number): Promise<void> {
  await appendEvent(tx, project, sw, act, actor, reason, at);
  await auditInTransaction(tx, {
    actor,
    action: AUDIT_ACTION[act](sw.scope),
    target: auditTarget(sw.scope, sw.target),
    detail: { project, switch: sw.id, reason, state: sw.state },
  });
}

/** Marks lapsed kill-all requests expired, so a new one can be made. */
async function expireLapsed(tx: pg.PoolClient, project: string, now: number): Promise<void> {
  const res = await tx.query<SwitchRow>(
    `UPDATE kill_switches SET state = 'expired' WHERE project_id = $2 AND state = 'pending' AND expires_at <= $1 RETURNING ${COLUMNS}`,
    [new Date(now), project],
  );
  for (const row of res.rows) {
    const sw = expire(fromRow(row));
    await appendEvent(tx, project, sw, "expire", "system", `not confirmed by a second on-call by ${new Date(sw.expiresAt ?? now).toISOString()}`, now);
  }
}

/** Kills an agent, an edge or a label at once; `all` only requests a kill-all, for a second on-call to confirm. */
export async function createKillSwitch(p: pg.Pool, project: string, body: KillSwitchBody, actor: string, now = Date.now(), confirmWithinMs = KILL_ALL_CONFIRM_MS): Promise<KillSwitchView> {
  const target = targetText(body);
  return withTransaction(p, async (tx) => {
    await expireLapsed(tx, project, now);
    const live = await tx.query<SwitchRow>(`SELECT ${COLUMNS} FROM kill_switches WHERE project_id = $3 AND scope = $1 AND target = $2 AND state IN ('active', 'pending') FOR UPDATE`,
      [body.scope, target, project],
    );
    const existing = live.rows[0];
    if (existing) {
      const sw = fromRow(existing);
      const what = describeTarget(sw.scope, sw.target);
      throw conflict(
        sw.state === "pending"
          ? `a kill-all requested by ${sw.requestedBy} already awaits confirmation (switch ${sw.id}, until ${iso(sw.expiresAt)}): a different on-call confirms it with POST /api/v1/kill-switches/${sw.id}/confirm`
          : `${what} is already killed by switch ${sw.id} (${sw.requestedBy}: ${sw.reason}); lift that one first if you want to kill it again`,
      );
    }
    const pending = body.scope === "all";
    const inserted = await tx.query<SwitchRow>(
      `INSERT INTO kill_switches (scope, target, state, requested_by, reason, requested_at, expires_at, confirmed_by, confirm_reason, confirmed_at, project_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, NULL, $8) RETURNING ${COLUMNS}`,
      [body.scope, target, pending ? "pending" : "active", actor, body.reason, new Date(now), pending ? new Date(now + confirmWithinMs) : null, project],
    );
    const sw = fromRow(inserted.rows[0] as SwitchRow);
    await record(tx, project, sw, pending ? "request_kill_all" : "kill", actor, body.reason, now);
    return toView(sw, now);
  }).catch(rethrowDuplicate);
}

/** Two on-calls racing to kill the same thing: the loser is told, not given a 500. */
function rethrowDuplicate(err: unknown): never {
  if ((err as { code?: string }).code === "23505") throw conflict("that target was killed by someone else a moment ago: reload the kill switches");
  throw err;
}

async function change(p: pg.Pool, project: string, id: string, step: (sw: KillSwitch) => Outcome, actor: string, reason: string, now: number): Promise<KillSwitchView> {
  return withTransaction(p, async (tx) => {
    const res = await tx.query<SwitchRow>(`SELECT ${COLUMNS} FROM kill_switches WHERE id = $1::bigint AND project_id = $2 FOR UPDATE`, [id, project]);
    const row = res.rows[0];
    if (!row) throw notFound(`no kill switch has the id ${id}: GET /api/v1/kill-switches lists them`);
    const outcome = step(fromRow(row));
    if (!outcome.ok) throw conflict(outcome.reason);
    const sw = outcome.next;
    await tx.query(
      `UPDATE kill_switches SET state = $2, confirmed_by = $3, confirm_reason = $4, confirmed_at = $5, lifted_by = $6, lift_reason = $7, lifted_at = $8 WHERE id = $1::bigint`,
      [sw.id, sw.state, sw.confirmedBy, sw.confirmReason, sw.confirmedAt === null ? null : new Date(sw.confirmedAt), sw.liftedBy, sw.liftReason, sw.liftedAt === null ? null : new Date(sw.liftedAt)],
    );
    await record(tx, project, sw, outcome.act, actor, reason, now);
    return toView(sw, now);
  });
}

/** A second on-call confirms a pending kill-all; 409 for the requester, a lapsed request, or anything else. */
export function confirmKillSwitch(p: pg.Pool, project: string, id: string, actor: string, reason: string, now = Date.now()): Promise<KillSwitchView> {
  return change(p, project, id, (sw) => confirmKillAll(sw, actor, reason, now), actor, reason, now);
}

/** Lifts an active switch, or cancels a pending kill-all. */
export function liftKillSwitch(p: pg.Pool, project: string, id: string, actor: string, reason: string, now = Date.now()): Promise<KillSwitchView> {
  return change(p, project, id, (sw) => liftSwitch(sw, actor, reason, now), actor, reason, now);
}

/**
 * The whole enforcement policy at one version: the version row, the live
 * switches, every breaker not CLOSED and the quarantined keys, in one statement, which PostgreSQL
 * answers from one snapshot, so the version names exactly this content. One
 * round trip: this read sits on the path from a kill to every guard.
 */
export async function readControlPolicy(q: Queryable, project: string): Promise<ControlPolicyView> {
  const res = await q.query<{ version: string; switches: Pick<KillSwitch, "scope" | "target" | "state">[] | null; breakers: EdgeBreakerState[] | null; keys: string[] | null }>(
    `SELECT (SELECT version::text FROM control_policy_version WHERE id = 1) AS version,
            (SELECT json_agg(json_build_object('scope', scope, 'target', target, 'state', state)) FROM kill_switches WHERE project_id = $1 AND state = 'active') AS switches,
            (SELECT json_agg(json_build_object('sender', sender, 'receiver', receiver, 'state', state)) FROM breaker_states WHERE project_id = $1 AND state <> 'CLOSED') AS breakers,
            (SELECT array_agg(key) FROM state_quarantines WHERE project_id = $1 AND state = 'active') AS keys`,
    [project],
  );
  const row = res.rows[0];
  return { ...mergePolicy(Number(row?.version ?? 0), row?.switches ?? [], row?.breakers ?? [], row?.keys ?? []), generatedAt: new Date().toISOString() };
}
