// The engine inside a collector runs on its own thread. On the collector's
// main thread a pass's judging (hundreds of milliseconds of CPU at a busy
// fleet's rate) held up every request being acknowledged, and every
// request's database round trips held up the pass: both waited on one event
// loop. On its own thread each gets a core's share (docs/adr/0033).
//
// The thread is the same engine `npm run engine` runs (engine-process.ts):
// its advisory lock, its transactions and its cursor make a thread that dies
// mid-pass lose nothing, so a crashed thread is simply started again.
import { Worker } from "node:worker_threads";
import type { EngineStats, EngineThreadData, FromEngine, ToEngine } from "./engine-messages.ts";

export type { EngineStats } from "./engine-messages.ts";

export interface EngineThreadOptions {
  batchSize: number;
  log: (line: string) => void;
  /** After every pass the thread ran: how long it took, ms. */
  onPass?: (ms: number) => void;
  /** How long a question about the counters may wait on the thread before the latest counters answer it. */
  askTimeoutMs?: number;
  /** Pause before starting a thread that died again. */
  restartMs?: number;
  statsEveryMs?: number;
}

export interface EngineThread {
  /** The counters the thread sent last (it sends them every `statsEveryMs` and after each question). */
  latest(): EngineStats;
  /** Asks the thread; the lag over the samples since `lagSince` (ms since the epoch) when given. */
  stats(lagSince?: number): Promise<EngineStats>;
  /** Threads started after one died. */
  readonly restarts: number;
  /** The running thread (tests end it to see it come back). */
  readonly worker: Worker;
  close(): Promise<void>;
}

const ENTRY = new URL("./engine-worker-entry.mjs", import.meta.url);

export async function startEngineThread(databaseUrl: string, options: EngineThreadOptions): Promise<EngineThread> {
  const { log } = options;
  const askTimeoutMs = options.askTimeoutMs ?? 2_000;
  const restartMs = options.restartMs ?? 1_000;
  const data: EngineThreadData = { databaseUrl, batchSize: options.batchSize, statsEveryMs: options.statsEveryMs ?? 500 };
  let latest: EngineStats | null = null;
  let closing = false;
  let restarts = 0;
  let nextId = 1;
  const asked = new Map<number, (s: EngineStats) => void>();
  let stopped: (() => void) | null = null;
  /** The current thread is running (it died and none has been started again yet: false). */
  let alive = false;

  const spawn = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      // Only a profiler the process was started with is passed on (benchmarks).
      const worker = new Worker(ENTRY, { workerData: data, execArgv: process.execArgv.filter((a) => a.startsWith("--cpu-prof")) });
      let ready = false;
      worker.on("message", (m: FromEngine) => {
        switch (m.type) {
          case "ready":
            ready = true;
            alive = true;
            latest = m.stats;
            resolve(worker);
            return;
          case "stats":
            latest = m.stats;
            if (m.id !== undefined) {
              asked.get(m.id)?.(m.stats);
              asked.delete(m.id);
            }
            return;
          case "pass":
            options.onPass?.(m.ms);
            return;
          case "log":
            log(m.line);
            return;
          case "stopped":
            stopped?.();
            return;
        }
      });
      worker.on("error", (err) => {
        log(`engine: its thread failed: ${err.stack ?? err.message}`);
        if (!ready) reject(err);
      });
      worker.on("exit", (code) => {
        if (worker === current || !ready) alive = false;
        // Questions in flight are answered by the latest counters.
        for (const [id, answer] of asked) {
          asked.delete(id);
          if (latest) answer(latest);
        }
        stopped?.();
        if (closing || !ready) return;
        log(`engine: its thread exited (code ${code}); starting it again in ${restartMs} ms (a pass it was running rolled back and is judged again)`);
        setTimeout(() => {
          if (closing) return;
          spawn().then(
            (w) => {
              // Closed while it started: it ends here, not with the process.
              if (closing) {
                void w.terminate();
                return;
              }
              restarts++;
              current = w;
            },
            (err: unknown) => log(`engine: could not start its thread again: ${(err as Error).message}`),
          );
        }, restartMs).unref();
      });
    });

  // Declared before the first thread starts: its handlers compare against it.
  let current: Worker | undefined;
  current = await spawn();

  return {
    latest: () => latest!,
    stats(lagSince) {
      return new Promise((resolve) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          asked.delete(id);
          resolve(latest!);
        }, askTimeoutMs);
        asked.set(id, (s) => {
          clearTimeout(timer);
          resolve(s);
        });
        current!.postMessage({ type: "stats", id, lagSince } satisfies ToEngine);
      });
    },
    get restarts() {
      return restarts;
    },
    get worker() {
      return current!;
    },
    async close() {
      closing = true;
      // A thread that died has nothing to finish (and would never answer the stop).
      if (!alive) {
        await current!.terminate();
        return;
      }
      // The pass in progress finishes and commits; the thread then ends itself.
      const done = new Promise<void>((resolve) => (stopped = resolve));
      current!.postMessage({ type: "stop" } satisfies ToEngine);
      const gaveUp = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), 30_000).unref());
      if ((await Promise.race([done, gaveUp])) === "late") log("engine: its thread did not stop within 30 s; ending it");
      await current!.terminate();
    },
  };
}
