// Expires approval requests nobody decided, so the queue, the audit trail and
// any guard polling the request see "expired" even when nobody reads the
// queue. Reads expire on their own too (approval-service.ts); this covers the
// quiet hours. Every collector runs it; SKIP LOCKED keeps them from doubling up.
// Kept free of the API and Next modules: the collector process loads it.
import type pg from "pg";
import { auditInTransaction } from "../audit/audit-log.ts";
import { expireDue } from "../db/approval-store.ts";
import { withTransaction } from "../db/ingest-store.ts";

/** Expires what is due, each with its audit entry, in one transaction; returns how many. */
export async function sweepExpired(pool: pg.Pool, at: number): Promise<number> {
  return withTransaction(pool, async (tx) => {
    const expired = await expireDue(tx, new Date(at));
    for (const row of expired) {
      await auditInTransaction(tx, {
        actor: "system (expiry)",
        action: "approval.expire",
        target: `approval:${row.id}`,
        detail: { action: row.actionId, agent: row.agent, name: row.name, expiresAt: row.expiresAt.toISOString() },
      });
    }
    return expired.length;
  });
}

export function startApprovalSweep(pool: pg.Pool, log: (line: string) => void, intervalMs = 5_000): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepExpired(pool, Date.now())
      .then((n) => {
        if (n > 0) log(`approvals: expired ${n} request${n === 1 ? "" : "s"} nobody decided`);
      })
      .catch((err: unknown) => log(`approvals: sweep failed: ${(err as Error).message}`))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
