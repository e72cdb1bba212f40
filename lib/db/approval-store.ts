// The approval queue's reads and writes (table approval_requests), and the
// few record reads its detail view needs. Raw pg, like the rest of the
// engine's stores, so decisions run in one transaction with the approval
// record and the audit entry.
import type pg from "pg";
import type { ApprovalStatus } from "../approvals/approval-state.ts";
import type { WireRecord } from "../protocol/record.ts";

type Queryable = Pick<pg.PoolClient, "query">;

export interface ApprovalRow {
  id: string;
  actionId: string;
  agent: string;
  name: string;
  actionClass: string;
  args: string;
  digest: string;
  parents: string[];
  authority: string[];
  status: ApprovalStatus;
  filedBy: string;
  requestedAt: Date;
  decidableAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  reason: string | null;
  approvalRecordId: string | null;
  approvalRecord: WireRecord | null;
}

const COLUMNS = `id, action_id AS "actionId", agent, name, action_class AS "actionClass", args, digest, parents, authority, status,
  filed_by AS "filedBy", requested_at AS "requestedAt", decidable_at AS "decidableAt", expires_at AS "expiresAt",
  decided_at AS "decidedAt", decided_by AS "decidedBy", reason, approval_record_id AS "approvalRecordId", approval_record AS "approvalRecord"`;

export type NewApproval = Omit<ApprovalRow, "status" | "decidedAt" | "decidedBy" | "reason" | "approvalRecordId" | "approvalRecord">;

/** Files a request; null when one for the same action is already queued (the caller reads that one). */
export async function insertApproval(q: Queryable, project: string, a: NewApproval): Promise<ApprovalRow | null> {
  const res = await q.query<ApprovalRow>(
    `INSERT INTO approval_requests (id, action_id, agent, name, action_class, args, digest, parents, authority, status, filed_by,
                                    requested_at, decidable_at, expires_at, project_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11, $12, $13, $14)
     ON CONFLICT (project_id, action_id) DO NOTHING
     RETURNING ${COLUMNS}`,
    [a.id, a.actionId, a.agent, a.name, a.actionClass, a.args, a.digest, a.parents, a.authority, a.filedBy, a.requestedAt, a.decidableAt, a.expiresAt, project],
  );
  return res.rows[0] ?? null;
}

export async function findApproval(q: Queryable, project: string, id: string, lock = false): Promise<ApprovalRow | null> {
  const res = await q.query<ApprovalRow>(`SELECT ${COLUMNS} FROM approval_requests WHERE id = $1 AND project_id = $2${lock ? " FOR UPDATE" : ""}`, [id, project]);
  return res.rows[0] ?? null;
}

export async function findApprovalByAction(q: Queryable, project: string, actionId: string): Promise<ApprovalRow | null> {
  const res = await q.query<ApprovalRow>(`SELECT ${COLUMNS} FROM approval_requests WHERE project_id = $2 AND action_id = $1`, [actionId, project]);
  return res.rows[0] ?? null;
}

/** Pending requests first (soonest expiry first), then decided ones, latest first. */
export async function listApprovals(q: Queryable, project: string, filter: { status?: ApprovalStatus; limit: number }): Promise<{ rows: ApprovalRow[]; pending: number }> {
  const res = await q.query<ApprovalRow>(
    `SELECT ${COLUMNS} FROM approval_requests
      WHERE project_id = $3 AND ($1::text IS NULL OR status = $1)
      ORDER BY (status = 'pending') DESC,
               CASE WHEN status = 'pending' THEN expires_at END ASC,
               COALESCE(decided_at, requested_at) DESC
      LIMIT $2`,
    [filter.status ?? null, filter.limit, project],
  );
  const count = await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM approval_requests WHERE project_id = $1 AND status = 'pending'`, [project]);
  return { rows: res.rows, pending: Number(count.rows[0]?.n ?? 0) };
}

/** Marks every pending request past its expiry as expired; returns them (locked until the caller commits). */
export async function expireDue(q: Queryable, now: Date): Promise<ApprovalRow[]> {
  const res = await q.query<ApprovalRow>(
    `UPDATE approval_requests SET status = 'expired', decided_at = expires_at, decided_by = 'system (expiry)',
            reason = 'nobody decided before the request expired'
      WHERE id IN (SELECT id FROM approval_requests WHERE status = 'pending' AND expires_at <= $1 FOR UPDATE SKIP LOCKED)
      RETURNING ${COLUMNS}`,
    [now],
  );
  return res.rows;
}

export async function recordDecision(
  q: Queryable,
  id: string,
  d: { status: ApprovalStatus; at: Date; by: string; reason: string; approvalRecord: WireRecord | null },
): Promise<ApprovalRow> {
  const res = await q.query<ApprovalRow>(
    `UPDATE approval_requests SET status = $2, decided_at = $3, decided_by = $4, reason = $5, approval_record_id = $6, approval_record = $7
      WHERE id = $1 AND status = 'pending' RETURNING ${COLUMNS}`,
    [id, d.status, d.at, d.by, d.reason, d.approvalRecord?.id ?? null, d.approvalRecord === null ? null : JSON.stringify(d.approvalRecord)],
  );
  const row = res.rows[0];
  if (!row) throw new Error(`approval ${id} was not pending when its decision was written`);
  return row;
}

/** The trace of a stored record (the verified copy first), to file an approval beside its request. */
export async function traceOfRecord(q: Queryable, project: string, recordId: string): Promise<string | null> {
  const res = await q.query<{ trace_id: string }>(`SELECT trace_id FROM records WHERE project_id = $2 AND record_id = $1 ORDER BY verified DESC, seq LIMIT 1`, [recordId, project]);
  return res.rows[0]?.trace_id ?? null;
}

export interface StoredRecordBrief {
  recordId: string;
  kind: string;
  agent: string;
  intent: string | null;
  ts: Date;
  traceId: string;
  verified: boolean;
  verdicts: string[];
  payload: string | null;
}

/** Stored records by id; of copies sharing an id, the verified one (the one authority counts). */
export async function recordBriefs(q: Queryable, project: string, ids: readonly string[]): Promise<Map<string, StoredRecordBrief>> {
  const out = new Map<string, StoredRecordBrief>();
  if (ids.length === 0) return out;
  const res = await q.query<StoredRecordBrief>(
    `SELECT DISTINCT ON (record_id) record_id AS "recordId", kind, agent, intent, ts, trace_id AS "traceId", verified, verdicts, payload
       FROM records WHERE project_id = $2 AND record_id = ANY($1::text[]) ORDER BY record_id, verified DESC, seq`,
    [ids, project],
  );
  for (const r of res.rows) out.set(r.recordId, { ...r, verdicts: r.verdicts ?? [] });
  return out;
}
