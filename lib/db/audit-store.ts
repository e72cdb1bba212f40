// Appends to and reads the audit trail. An append runs inside the caller's
// transaction, so the act and its audit entry commit together or not at all.
import type pg from "pg";
import { nextAuditEntry, type AuditEntry, type AuditInput } from "../audit/audit-chain.ts";

/** A `pg` client inside a transaction, or anything that runs SQL with $n parameters the same way (prismaAuditDb). */
export interface AuditDb {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}
type Queryable = AuditDb | Pick<pg.PoolClient, "query">;

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
export async function appendAuditEntry(client: Queryable, input: AuditInput, at: Date = new Date()): Promise<AuditEntry> {
  const tx = client as AuditDb;
  await tx.query("SELECT pg_advisory_xact_lock($1)::text", [AUDIT_LOCK]);
  const last = await tx.query<{ seq: string; hash: string }>("SELECT seq::text, hash FROM audit_entries ORDER BY seq DESC LIMIT 1");
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
  const res = await (db as AuditDb).query<AuditRow>(
    `SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  );
  return res.rows.map(toEntry);
}
