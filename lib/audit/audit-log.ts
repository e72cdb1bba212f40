// The one call every human action makes: append it to the audit trail in the
// same transaction as the act itself. Acknowledged means audited.
import type pg from "pg";
import { withTransaction } from "../db/ingest-store.ts";
import { appendAuditEntry } from "../db/audit-store.ts";
import type { AuditEntry, AuditInput } from "./audit-chain.ts";

type Queryable = Pick<pg.PoolClient, "query">;

/** Inside a transaction the caller already holds: the act and its entry commit together. */
export function auditInTransaction(tx: Queryable, input: AuditInput): Promise<AuditEntry> {
  return appendAuditEntry(tx, input);
}

/** For acts with nothing else to write (sign-in, export): one transaction of its own. */
export function audit(pool: pg.Pool, input: AuditInput): Promise<AuditEntry> {
  return withTransaction(pool, (tx) => appendAuditEntry(tx, input));
}
