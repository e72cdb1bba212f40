// The engine's own thread inside a collector (engine-thread.ts starts it):
// the evaluation loop and incident grouping, as `npm run engine` runs them,
// answering the collector's questions about its counters by message.
import { parentPort, workerData } from "node:worker_threads";
import { startEngineProcess } from "./engine-process.ts";
import { watchHeap } from "../../process/heap-watch.ts";
import { threadCpuSeconds } from "../../process/thread-stat.ts";
import type { EngineStats, EngineThreadData, FromEngine, ToEngine } from "./engine-messages.ts";

const port = parentPort;
if (!port) throw new Error("engine-worker.ts runs as a worker thread (engine-thread.ts starts it)");
const { databaseUrl, batchSize, statsEveryMs } = workerData as EngineThreadData;
const post = (m: FromEngine): void => port.postMessage(m);
const heap = watchHeap();

const engine = await startEngineProcess(databaseUrl, {
  batchSize,
  log: (line) => post({ type: "log", line }),
  onPass: (ms) => post({ type: "pass", ms }),
});
const stats = (lagSince?: number): EngineStats => ({ ...engine.loop.stats(lagSince), heap: heap.report(), cpuSeconds: threadCpuSeconds() });
post({ type: "ready", stats: stats() });
// Between questions the collector reads the latest of these (/metrics scrapes must not wait on a busy pass).
const every = setInterval(() => post({ type: "stats", stats: stats() }), statsEveryMs);

port.on("message", (m: ToEngine) => {
  if (m.type === "stats") {
    post({ type: "stats", id: m.id, stats: stats(m.lagSince) });
    return;
  }
  clearInterval(every);
  heap.stop();
  void engine.close().then(
    () => {
      post({ type: "stopped" });
      port.close();
    },
    (err: unknown) => {
      post({ type: "log", line: `engine: stopping failed: ${(err as Error).message}` });
      post({ type: "stopped" });
      port.close();
    },
  );
});
