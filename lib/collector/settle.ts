// Records can arrive before the records they depend on. Their verdict stays
// `pending` until the missing records arrive or the wait runs out; this loop
// settles them. SKIP LOCKED lets every collector run it without double work.
import type pg from "pg";
import { findSummaries, lockPending, settleRecords, withTransaction, type StoredSummary } from "../db/ingest-store.ts";
import type { VerdictDetail } from "../protocol/record.ts";
import { judgeAuthority } from "./authority.ts";
import { combineVerdicts } from "../verify/combine.ts";
import type { RegistrySync } from "./registry-sync.ts";

export class Settler {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly registry: RegistrySync,
    private readonly waitMs: number,
    private readonly log: (line: string) => void,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One settling pass; returns how many records changed. Exposed for tests. */
  async tick(now = Date.now()): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      return await withTransaction(this.pool, async (tx) => {
        const pending = await lockPending(tx, 500, this.waitMs);
        if (pending.length === 0) return 0;
        const ids = [...new Set(pending.flatMap((p) => [...p.parents, ...p.authority]))];
        const stored = await findSummaries(tx, ids);
        const lookup = (id: string): StoredSummary[] | undefined => stored.get(id);
        const updates: { seq: string; verdicts: VerdictDetail[]; pendingOn: string[] }[] = [];
        for (const p of pending) {
          const base = p.verdictDetails.filter((v) => v.verdict !== "pending" && v.verdict !== "broken_authority");
          const expired = now - p.pendingSince.getTime() >= this.waitMs;
          const result = judgeAuthority(
            { recordId: p.recordId, kind: p.kind, agent: p.agent, parents: p.parents, authority: p.authority },
            lookup,
            this.registry.current(),
            expired ? { waitedMs: now - p.pendingSince.getTime() } : undefined,
          );
          if (result.pendingOn.length > 0 && sameSet(result.pendingOn, p.pendingOn)) continue;
          updates.push({ seq: p.seq, verdicts: combineVerdicts([...base, ...result.verdicts], { allowUnattested: this.registry.current().allowUnattested }), pendingOn: result.pendingOn });
        }
        await settleRecords(tx, updates);
        return updates.length;
      });
    } catch (err) {
      this.log(`settler: ${(err as Error).message}`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
