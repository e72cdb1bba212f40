// Worker thread entry: receives the registry snapshots (one per project) by broadcast and
// decode jobs from WorkerPool, answers each job with its DecodeResult.
import { parentPort, workerData } from "node:worker_threads";
import { niceThisThread } from "../process/thread-priority.ts";
import type { RegistrySnapshot } from "../registry/types.ts";
import { decodeBatch } from "./decode-batch.ts";
import type { DecodeJob } from "./decode-job.ts";

const EMPTY: RegistrySnapshot = { agents: new Map(), contracts: new Map(), allowUnattested: false };
/** One registry per project: a record is judged by its own project's agents only. */
let snapshots = new Map<string, RegistrySnapshot>();

type Message = { type: "broadcast"; value: Map<string, RegistrySnapshot> } | { type: "job"; id: number; input: DecodeJob };

parentPort?.on("message", (msg: Message) => {
  if (msg.type === "broadcast") {
    snapshots = msg.value;
    return;
  }
  try {
    parentPort?.postMessage({ id: msg.id, ok: true, value: decodeBatch(msg.input, snapshots.get(msg.input.project) ?? EMPTY) });
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, ok: false, error: (err as Error).stack ?? String(err) });
  }
});

// Yield the CPU to the engine's thread and the request path when the machine is busy (collector-config.ts, FIREBREAK_VERIFY_NICE).
const nice = (workerData as { nice?: number } | null)?.nice ?? 0;
if (nice > 0) niceThisThread(nice);

parentPort?.postMessage({ type: "ready" });
