// Verifies the whole audit trail as stored: the hash chain from the genesis,
// page by page, and every signed checkpoint against the instance public key
// and against the entry it pins. Reports the first problem in words an
// auditor can act on. Used by `npm run audit:verify` and GET /api/v1/audit/verify.
import { findChainBreak, type AuditEntry, type ChainBreak } from "./audit-chain.ts";
import { checkpointChainProblem, checkpointSignatureProblem, type AuditCheckpoint, type CheckpointProblem } from "./checkpoint.ts";
import { readAuditEntries, readCheckpoints } from "../db/audit-store.ts";
import pg from "pg";

type Queryable = Pick<pg.PoolClient, "query">;

export type AuditProblem = ChainBreak | CheckpointProblem;

export interface AuditVerification {
  intact: boolean;
  entries: number;
  checkpoints: number;
  lastCheckpoint: { seq: number; at: string } | null;
  /** Entries after the last checkpoint: the chain protects them, no signature does yet. */
  unsigned: number;
  problem: AuditProblem | null;
  checkedAt: string;
}

/**
 * A chain break, explained better where the page shows more: an entry that
 * chains from an entry stored elsewhere was moved, not removed.
 */
export function explainBreak(brk: ChainBreak, window: readonly AuditEntry[]): ChainBreak {
  if (brk.kind !== "missing") return brk;
  const entry = window.find((e) => e.seq === brk.seq);
  if (!entry) return brk;
  const chainsFrom = window.find((e) => e.hash === entry.prevHash);
  if (chainsFrom && chainsFrom.seq !== entry.seq - 1) {
    return {
      kind: "reordered",
      seq: entry.seq,
      message: `entry ${entry.seq} is out of place: it follows the entry now stored as ${chainsFrom.seq}, so entries were reordered`,
    };
  }
  return brk;
}

/** The rewrite range a failed checkpoint narrows down, given the last checkpoint that still matched. */
function rewrittenBetween(problem: CheckpointProblem, lastGood: AuditCheckpoint | null): CheckpointProblem {
  if (problem.kind !== "rewritten") return problem;
  const from = (lastGood?.seq ?? 0) + 1;
  const range = from === problem.seq ? `entry ${problem.seq}` : `one of entries ${from} to ${problem.seq}`;
  return { ...problem, message: `${problem.message}; the signed checkpoints narrow the first altered entry to ${range}` };
}

export async function verifyAuditLog(
  db: Queryable,
  instance: { keyId: string; publicKey: string },
  options: { pageSize?: number; now?: Date } = {},
): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 2_000;
  const checkedAt = (options.now ?? new Date()).toISOString();
  // Checkpoints are few (one per five minutes at most): all of them fit in memory.
  const checkpoints: AuditCheckpoint[] = [];
  for (let after = 0; ; ) {
    const page = await readCheckpoints(db, after, 5_000);
    checkpoints.push(...page);
    if (page.length < 5_000) break;
    after = page.at(-1)!.seq;
  }
  const last = checkpoints.at(-1) ?? null;
  const base = { checkpoints: checkpoints.length, lastCheckpoint: last ? { seq: last.seq, at: last.at } : null, checkedAt };

  for (const cp of checkpoints) {
    const problem = checkpointSignatureProblem(cp, instance);
    if (problem) return { ...base, intact: false, entries: 0, unsigned: 0, problem };
  }
  const bySeq = new Map(checkpoints.map((cp) => [cp.seq, cp]));

  let entries = 0;
  let prev: AuditEntry | null = null;
  let previousPage: AuditEntry[] = [];
  let lastGood: AuditCheckpoint | null = null;
  for (;;) {
    const page = await readAuditEntries(db, prev?.seq ?? 0, pageSize);
    if (page.length === 0) break;
    const brk = findChainBreak(page, prev);
    // A checkpoint that no longer matches before the chain's own first break is the earlier problem.
    for (const e of page) {
      if (brk && e.seq >= brk.seq) break;
      const cp = bySeq.get(e.seq);
      if (!cp) continue;
      const problem = checkpointChainProblem(cp, e);
      if (problem) return { ...base, intact: false, entries: entries + page.indexOf(e) + 1, unsigned: 0, problem: rewrittenBetween(problem, lastGood) };
      lastGood = cp;
    }
    if (brk) {
      return { ...base, intact: false, entries: entries + page.length, unsigned: 0, problem: explainBreak(brk, [...previousPage, ...page]) };
    }
    entries += page.length;
    prev = page.at(-1)!;
    previousPage = page;
  }
  const headSeq = prev?.seq ?? 0;
  const beyond = checkpoints.find((cp) => cp.seq > headSeq);
  if (beyond) {
    const problem = checkpointChainProblem(beyond, null);
    if (problem) return { ...base, intact: false, entries, unsigned: 0, problem };
  }
  // A checkpoint whose seq fell in a gap would have been caught as a missing entry above.
  return { ...base, intact: true, entries, unsigned: headSeq - (last?.seq ?? 0), problem: null };
}

/** Verifies over one connection in one REPEATABLE READ snapshot, so appends during the walk cannot confuse it. */
export async function verifyAuditLogSnapshot(pool: pg.Pool | pg.Client, instance: { keyId: string; publicKey: string }): Promise<AuditVerification> {
  const client = pool instanceof pg.Pool ? await pool.connect() : pool;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    try {
      return await verifyAuditLog(client, instance);
    } finally {
      await client.query("ROLLBACK");
    }
  } finally {
    if (pool instanceof pg.Pool) (client as pg.PoolClient).release();
  }
}

/** The one line `npm run audit:verify` prints. */
export function describeVerification(v: AuditVerification): string {
  if (v.intact) {
    const cp = v.lastCheckpoint ? `last checkpoint at ${v.lastCheckpoint.at} (entry ${v.lastCheckpoint.seq})` : "no checkpoint yet";
    const tail = v.unsigned > 0 ? `; ${v.unsigned} newer ${v.unsigned === 1 ? "entry is" : "entries are"} chained but not yet checkpointed` : "";
    return `audit log intact: ${v.entries} entries, ${v.checkpoints} checkpoints, ${cp}${tail}`;
  }
  return `audit log NOT intact: ${v.problem?.message ?? "unknown problem"}`;
}
