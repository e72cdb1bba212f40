// Sends batches (retrying each until acknowledged) while a killer SIGKILLs
// the collector at random moments and starts it again. The moments come from
// a seeded PRNG, so a failing seed reproduces the schedule.
import { Prng } from "../../lib/sim/prng.ts";
import { exited } from "../../lib/process/spawn-ready.ts";
import { sendAll, type Ledger, type LedgerBatch } from "./ack-ledger.ts";
import { startCollectorProcess, type CollectorProcess } from "./collector-process.ts";

export interface SigkillRunOptions {
  databaseUrl: string;
  token: string;
  env?: Record<string, string>;
  batches: LedgerBatch[];
  senders: number;
  ledger: Ledger;
  seed: string;
  /** Keep killing at least this often, even once every batch is in (a batch acknowledged early is not the point). */
  minKills?: number;
  /**
   * A kill comes after this incarnation has acknowledged 1..killAfterAcks batches
   * (uniform), then a further [min, max] ms: traffic is flowing, whatever the
   * machine's speed, and the moment falls anywhere in a request's life.
   */
  killAfterAcks: number;
  killAfterMs: [number, number];
  log?: (line: string) => void;
}

export async function killCollectorWhileSending(opts: SigkillRunOptions): Promise<{ kills: number; restarts: number }> {
  const prng = new Prng(opts.seed);
  let current: CollectorProcess = await startCollectorProcess(opts.databaseUrl, opts.token, opts.env);
  let kills = 0;
  let restarts = 0;
  let done = false;
  const sending = sendAll(opts.ledger, opts.batches, opts.senders, { url: () => current.url, token: opts.token, reconnectMs: 100, maxWaitMs: 1_000 }).finally(() => {
    done = true;
  });
  const killer = (async () => {
    while (!done || kills < (opts.minKills ?? 0)) {
      const acks = opts.ledger.acknowledged.length + 1 + prng.int(opts.killAfterAcks);
      while (!done && opts.ledger.acknowledged.length < acks) await new Promise((r) => setTimeout(r, 5));
      const [lo, hi] = opts.killAfterMs;
      const wait = lo + Math.floor(prng.next() * (hi - lo));
      await new Promise((r) => setTimeout(r, wait));
      if (done && kills >= (opts.minKills ?? 0)) break;
      current.child.kill("SIGKILL");
      await exited(current.child);
      kills++;
      const t0 = Date.now();
      current = await startCollectorProcess(opts.databaseUrl, opts.token, opts.env);
      restarts++;
      opts.log?.(`sigkill: kill ${kills} after ${wait} ms; restarted in ${Date.now() - t0} ms; ${opts.ledger.acknowledged.length}/${opts.batches.length} acknowledged`);
    }
  })();
  await Promise.all([sending, killer]);
  await current.stop();
  return { kills, restarts };
}
