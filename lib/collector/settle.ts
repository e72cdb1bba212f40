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
        // A record waits on records of its own project only.
        const stored = new Map<string, Map<string, StoredSummary[]>>();
        for (const project of new Set(pending.map((p) => p.project))) {
          const ids = [...new Set(pending.filter((p) => p.project === project).flatMap((p) => [...p.parents, ...p.authority]))];
          stored.set(project, await findSummaries(tx, project, ids));
        }
        const updates: { seq: string; verdicts: VerdictDetail[]; pendingOn: string[] }[] = [];
        for (const p of pending) {
          const mine = stored.get(p.project);
          const lookup = (id: string): StoredSummary[] | undefined => mine?.get(id);
          const registry = this.registry.current(p.project);
          const base = p.verdictDetails.filter((v) => v.verdict !== "pending" && v.verdict !== "broken_authority");
          const expired = now - p.pendingSince.getTime() >= this.waitMs;
          const result = judgeAuthority(
            { recordId: p.recordId, kind: p.kind, agent: p.agent, parents: p.parents, authority: p.authority },
            lookup,
            registry,
            expired ? { waitedMs: now - p.pendingSince.getTime() } : undefined,
          );
          if (result.pendingOn.length > 0 && sameSet(result.pendingOn, p.pendingOn)) continue;
          updates.push({ seq: p.seq, verdicts: combineVerdicts([...base, ...result.verdicts], { allowUnattested: registry.allowUnattested }), pendingOn: result.pendingOn });
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
