// Expires approval requests nobody decided, so the queue, the audit trail and
// any guard polling the request see "expired" even when nobody reads the
// queue. Reads expire on their own too (approval-service.ts); this covers the
// quiet hours. Every collector runs it; SKIP LOCKED keeps them from doubling up.
import type pg from "pg";
import { sweepExpired } from "./approval-service.ts";

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
