// The audit trail as the API shows it: filtered pages, newest first; the
// whole-log check; and a checkpoint on demand.
import type pg from "pg";
import type { AuditPage, AuditQuery, AuditVerifyView, CheckpointResult } from "../api/audit-views.ts";
import { searchAuditEntries } from "../db/audit-store.ts";
import { instanceKey, type InstanceKey } from "../config/instance-key.ts";
import { FirebreakError } from "../api/errors.ts";
import { audit } from "./audit-log.ts";
import { checkpointIfDue } from "./checkpointer.ts";
import { verifyAuditLogSnapshot } from "./verify-log.ts";

export async function auditPage(pool: pg.Pool, q: AuditQuery): Promise<AuditPage> {
  const rows = await searchAuditEntries(pool, {
    limit: q.limit,
    ...(q.actor === undefined ? {} : { actor: q.actor }),
    ...(q.action === undefined ? {} : { action: q.action }),
    ...(q.target === undefined ? {} : { target: q.target }),
    ...(q.from === undefined ? {} : { from: new Date(q.from) }),
    ...(q.to === undefined ? {} : { to: new Date(q.to) }),
    ...(q.cursor === undefined ? {} : { beforeSeq: Number(q.cursor) }),
  });
  const items = rows.slice(0, q.limit);
  return { items, nextCursor: rows.length > q.limit && items.length > 0 ? String(items.at(-1)!.seq) : null };
}

/** The instance key, or a 503 that says how to start the server with one. */
export function requireInstanceKey(): InstanceKey {
  try {
    return instanceKey();
  } catch (err) {
    throw new FirebreakError("unavailable", `this server has no instance key to sign or check with: ${(err as Error).message}`);
  }
}

export async function verifyAuditNow(pool: pg.Pool): Promise<AuditVerifyView> {
  const key = requireInstanceKey();
  const result = await verifyAuditLogSnapshot(pool, key);
  return { ...result, keyId: key.keyId };
}

/** Signs a checkpoint at the newest entry now, after recording who asked. */
export async function checkpointNow(pool: pg.Pool, actor: string): Promise<CheckpointResult> {
  const key = requireInstanceKey();
  await audit(pool, { actor, action: "audit.checkpoint", target: "audit", detail: {} });
  return { checkpoint: await checkpointIfDue(pool, key, { force: true }) };
}
