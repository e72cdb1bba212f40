// Writes signed checkpoints of the audit trail: every `everyMs` (default 5
// minutes) and whenever `everyEntries` (default 1,000) entries have piled up
// since the last one. Every collector runs one; a transaction-scoped advisory
// lock lets one process write each checkpoint, and another carries on when
// that process stops.
import type pg from "pg";
import type { KeyObject } from "node:crypto";
import { withTransaction } from "../db/ingest-store.ts";
import { auditHead, insertCheckpoint, latestCheckpoint, tryLockCheckpointing } from "../db/audit-store.ts";
import { checkpointDue, signCheckpoint, type AuditCheckpoint } from "./checkpoint.ts";

export interface CheckpointPolicy {
  everyMs: number;
  everyEntries: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { everyMs: 5 * 60_000, everyEntries: 1_000 };

type SigningKey = { keyId: string; privateKey: KeyObject };

/**
 * Writes a checkpoint at the newest entry when one is due (or always, with
 * `force`, as long as there is something new). Returns it, or null when none
 * was due, the log is empty, or another process holds the lock.
 */
export async function checkpointIfDue(
  pool: pg.Pool,
  key: SigningKey,
  options: { policy?: CheckpointPolicy; force?: boolean; now?: Date } = {},
): Promise<AuditCheckpoint | null> {
  const policy = options.policy ?? DEFAULT_CHECKPOINT_POLICY;
  return withTransaction(pool, async (tx) => {
    if (!(await tryLockCheckpointing(tx))) return null;
    const [last, head] = await Promise.all([latestCheckpoint(tx), auditHead(tx)]);
    const now = new Date(Math.floor((options.now ?? new Date()).getTime()));
    const due = options.force ? head !== null && (last === null || head.seq > last.seq) : checkpointDue(last, head, now, policy);
    if (!due || head === null) return null;
    const cp = signCheckpoint(head, now, key);
    await insertCheckpoint(tx, cp);
    return cp;
  });
}

export interface Checkpointer {
  /** Checkpoints written by this process. */
  written(): number;
  stop(): Promise<void>;
}

/** Polls every `pollMs` (default 10 s) whether a checkpoint is due. */
export function startCheckpointer(
  pool: pg.Pool,
  key: SigningKey,
  options: { policy?: CheckpointPolicy; pollMs?: number; log?: (line: string) => void } = {},
): Checkpointer {
  let count = 0;
  let running: Promise<void> = Promise.resolve();
  let lastError: string | null = null;
  const tick = () => {
    running = checkpointIfDue(pool, key, { policy: options.policy ?? DEFAULT_CHECKPOINT_POLICY })
      .then((cp) => {
        if (cp) count++;
        lastError = null;
      })
      .catch((err: unknown) => {
        // Logged once per distinct failure: a database outage must not flood the log.
        const message = (err as Error).message;
        if (message !== lastError) options.log?.(`audit checkpoint failed: ${message}`);
        lastError = message;
      });
  };
  const timer = setInterval(tick, options.pollMs ?? 10_000);
  timer.unref();
  tick();
  return {
    written: () => count,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
