import "server-only";
import type pg from "pg";
import type { QuarantineBody, QuarantinesResponse, QuarantineView } from "../api/containment-views.ts";
import { conflict, notFound } from "../api/errors.ts";
import { auditInTransaction } from "../audit/audit-log.ts";
import { liftQuarantine, quarantineTarget, type Quarantine, type QuarantineState } from "../control/quarantine.ts";
import type { Queryable } from "./engine-store.ts";
import { withTransaction } from "./ingest-store.ts";

// Quarantined state keys (table state_quarantines, migration 20261206100000):
// what people do with them. The engine's own quarantines are written by
// quarantineKeys in engine-store.ts, in its pass's transaction.
// Its trigger bumps control_policy_version and NOTIFYs firebreak_policy on
// commit, so every guard hears of a quarantine, or its lift, within a second.
// A person's act (quarantine, lift) is audited in the same transaction.

interface Row {
  id: string;
  key: string;
  state: QuarantineState;
  record_id: string | null;
  reason: string;
  opened_by: string;
  opened_at: Date;
  lifted_by: string | null;
  lift_reason: string | null;
  lifted_at: Date | null;
}

const COLUMNS = `id::text, key, state, record_id, reason, opened_by, opened_at, lifted_by, lift_reason, lifted_at`;

function fromRow(r: Row): Quarantine {
  return {
    id: r.id,
    key: r.key,
    state: r.state,
    recordId: r.record_id,
    reason: r.reason,
    openedBy: r.opened_by,
    openedAt: r.opened_at.getTime(),
    liftedBy: r.lifted_by,
    liftReason: r.lift_reason,
    liftedAt: r.lifted_at === null ? null : r.lifted_at.getTime(),
  };
}

function toView(q: Quarantine): QuarantineView {
  return {
    id: q.id,
    key: q.key,
    state: q.state,
    recordId: q.recordId,
    reason: q.reason,
    openedBy: q.openedBy,
    openedAt: new Date(q.openedAt).toISOString(),
    liftedBy: q.liftedBy,
    liftReason: q.liftReason,
    liftedAt: q.liftedAt === null ? null : new Date(q.liftedAt).toISOString(),
  };
}

export async function listQuarantines(q: Queryable, project: string): Promise<QuarantinesResponse> {
  const [active, recent] = await Promise.all([
    q.query<Row>(`SELECT ${COLUMNS} FROM state_quarantines WHERE project_id = $1 AND state = 'active' ORDER BY opened_at DESC, id DESC`, [project]),
    q.query<Row>(`SELECT ${COLUMNS} FROM state_quarantines WHERE project_id = $1 AND state = 'lifted' ORDER BY lifted_at DESC, id DESC LIMIT 20`, [project]),
  ]);
  return { active: active.rows.map((r) => toView(fromRow(r))), recent: recent.rows.map((r) => toView(fromRow(r))) };
}

/** A person quarantines a key by hand; 409 when it already is. */
export async function createQuarantine(p: pg.Pool, project: string, body: QuarantineBody, actor: string): Promise<QuarantineView> {
  return withTransaction(p, async (tx) => {
    const existing = await tx.query<Row>(`SELECT ${COLUMNS} FROM state_quarantines WHERE project_id = $1 AND key = $2 AND state = 'active'`, [project, body.key]);
    const live = existing.rows[0];
    if (live) throw conflict(`${body.key} is already quarantined (quarantine ${live.id}, opened by ${live.opened_by}: ${live.reason})`);
    const inserted = await tx.query<Row>(
      `INSERT INTO state_quarantines (project_id, key, state, record_id, reason, opened_by) VALUES ($1, $2, 'active', NULL, $3, $4) RETURNING ${COLUMNS}`,
      [project, body.key, body.reason, actor],
    );
    const q = fromRow(inserted.rows[0] as Row);
    await auditInTransaction(tx, { actor, action: "quarantine.open", target: quarantineTarget(q.key), detail: { project, quarantine: q.id, reason: body.reason } });
    return toView(q);
  }).catch((err: unknown) => {
    if ((err as { code?: string }).code === "23505") throw conflict(`${body.key} was quarantined by someone else a moment ago: reload the quarantines`);
    throw err;
  });
}

/** An on-call lifts a quarantine once the value is repaired: guards read and write the key again. */
export async function liftQuarantineById(p: pg.Pool, project: string, id: string, actor: string, reason: string, now = Date.now()): Promise<QuarantineView> {
  return withTransaction(p, async (tx) => {
    const res = await tx.query<Row>(`SELECT ${COLUMNS} FROM state_quarantines WHERE id = $1::bigint AND project_id = $2 FOR UPDATE`, [id, project]);
    const row = res.rows[0];
    if (!row) throw notFound(`no quarantine has the id ${id}: GET /api/v1/quarantines lists them`);
    const outcome = liftQuarantine(fromRow(row), actor, reason, now);
    if (!outcome.ok) throw conflict(outcome.reason);
    const q = outcome.next;
    await tx.query(`UPDATE state_quarantines SET state = 'lifted', lifted_by = $2, lift_reason = $3, lifted_at = $4 WHERE id = $1::bigint`, [q.id, actor, reason, new Date(now)]);
    await auditInTransaction(tx, {
      actor,
      action: "quarantine.lift",
      target: quarantineTarget(q.key),
      detail: { project, quarantine: q.id, reason, openedBy: q.openedBy, record: q.recordId },
    });
    return toView(q);
  });
}
