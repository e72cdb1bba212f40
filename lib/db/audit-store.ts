// Appends to and reads the audit trail. An append runs inside the caller's
// transaction, so the act and its audit entry commit together or not at all.
import type pg from "pg";
import { nextAuditEntry, type AuditEntry, type AuditInput } from "../audit/audit-chain.ts";
import type { AuditCheckpoint } from "../audit/checkpoint.ts";

/** A `pg` client inside a transaction, or anything that runs SQL with $n parameters the same way (prismaAuditDb). */
export interface AuditDb {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}
type Queryable = Pick<pg.PoolClient, "query">;

// Any constant shared by every Firebreak process: one writer at a time keeps the chain linear.
const AUDIT_LOCK = 0x4175_6474; // "Audt"

interface AuditRow {
  seq: string;
  at: Date;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    target: row.target,
    detail: row.detail,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Appends one entry. `tx` must be inside a transaction (BEGIN ... COMMIT): the lock is released at its end. */
export async function appendAuditEntry(client: Queryable | AuditDb, input: AuditInput, at: Date = new Date()): Promise<AuditEntry> {
  const tx = client as AuditDb;
  await tx.query("SELECT pg_advisory_xact_lock($1)::text", [AUDIT_LOCK]);
  const last = await tx.query<{ seq: string; hash: string }>("SELECT e.seq::text AS seq, e.hash FROM audit_entries e ORDER BY e.seq DESC LIMIT 1");
  const prev = last.rows[0] ? { seq: Number(last.rows[0].seq), hash: last.rows[0].hash } : null;
  // Millisecond precision is what is stored, so it is what is hashed.
  const entry = nextAuditEntry(prev, input, new Date(Math.floor(at.getTime())));
  await tx.query(
    `INSERT INTO audit_entries (seq, at, actor, action, target, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [entry.seq, entry.at, entry.actor, entry.action, entry.target, JSON.stringify(entry.detail), entry.prevHash, entry.hash],
  );
  return entry;
}

/** Entries with seq in (afterSeq, afterSeq + limit], in chain order. */
export async function readAuditEntries(db: Queryable, afterSeq = 0, limit = 1000): Promise<AuditEntry[]> {
  const res = await db.query<AuditRow>(
    `SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  );
  return res.rows.map(toEntry);
}

/** The newest entry, or null for an empty log. */
export async function auditHead(db: Queryable): Promise<AuditEntry | null> {
  const res = await db.query<AuditRow>(`SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_entries ORDER BY seq DESC LIMIT 1`);
  return res.rows[0] ? toEntry(res.rows[0]) : null;
}

/** The stored entry with this seq, or null. */
export async function auditEntryAt(db: Queryable, seq: number): Promise<AuditEntry | null> {
  const res = await db.query<AuditRow>(`SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_entries WHERE seq = $1`, [seq]);
  return res.rows[0] ? toEntry(res.rows[0]) : null;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  /** Exact target, or a prefix when it ends with `*` (`incident:*`). */
  target?: string;
  from?: Date;
  to?: Date;
  /** Entries with seq below this (newest first). */
  beforeSeq?: number;
  limit: number;
}

/** Entries newest first, filtered; one more than `limit` tells the caller there is a next page. */
export async function searchAuditEntries(db: Queryable, f: AuditFilter): Promise<AuditEntry[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    args.push(value);
    where.push(sql.replace("?", `$${args.length}`));
  };
  if (f.actor !== undefined) add("actor = ?", f.actor);
  if (f.action !== undefined) add("action = ?", f.action);
  if (f.target !== undefined) {
    if (f.target.endsWith("*")) add("starts_with(target, ?)", f.target.slice(0, -1));
    else add("target = ?", f.target);
  }
  if (f.from !== undefined) add("at >= ?", f.from);
  if (f.to !== undefined) add("at < ?", f.to);
  if (f.beforeSeq !== undefined) add("seq < ?", f.beforeSeq);
  args.push(f.limit + 1);
  const res = await db.query<AuditRow>(
    `SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_entries
      ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY seq DESC LIMIT $${args.length}`,
    args,
  );
  return res.rows.map(toEntry);
}

/** Every entry whose target is one of these, in chain order. */
export async function auditEntriesFor(db: Queryable, targets: readonly string[], limit = 5_000): Promise<AuditEntry[]> {
  const res = await db.query<AuditRow>(
    `SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_entries WHERE target = ANY($1::text[]) ORDER BY seq LIMIT $2`,
    [targets, limit],
  );
  return res.rows.map(toEntry);
}

// ---------------------------------------------------------------- checkpoints

interface CheckpointRow {
  seq: string;
  hash: string;
  at: Date;
  key_id: string;
  signature: string;
}

const toCheckpoint = (r: CheckpointRow): AuditCheckpoint => ({ seq: Number(r.seq), hash: r.hash, at: r.at.toISOString(), keyId: r.key_id, signature: r.signature });

// Separate from AUDIT_LOCK: checkpointing must never hold up an act's append.
const CHECKPOINT_LOCK = 0x4175_6443; // "AudC"

/** Inside a transaction: true when this process may write the next checkpoint (another may be doing it). */
export async function tryLockCheckpointing(tx: Queryable): Promise<boolean> {
  const res = await tx.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [CHECKPOINT_LOCK]);
  return res.rows[0]?.ok === true;
}

export async function latestCheckpoint(db: Queryable): Promise<AuditCheckpoint | null> {
  const res = await db.query<CheckpointRow>(`SELECT seq, hash, at, key_id, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`);
  return res.rows[0] ? toCheckpoint(res.rows[0]) : null;
}

export async function insertCheckpoint(tx: Queryable, cp: AuditCheckpoint): Promise<void> {
  await tx.query(`INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING`, [
    cp.seq,
    cp.hash,
    cp.at,
    cp.keyId,
    cp.signature,
  ]);
}

/** Checkpoints with seq in (afterSeq, ...], oldest first. */
export async function readCheckpoints(db: Queryable, afterSeq = 0, limit = 1000): Promise<AuditCheckpoint[]> {
  const res = await db.query<CheckpointRow>(`SELECT seq, hash, at, key_id, signature FROM audit_checkpoints WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit]);
  return res.rows.map(toCheckpoint);
}
