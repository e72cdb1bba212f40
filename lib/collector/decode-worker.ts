// Worker thread entry: receives the registry snapshot by broadcast and
// decode jobs from WorkerPool, answers each job with its DecodeResult.
import { parentPort } from "node:worker_threads";
import type { RegistrySnapshot } from "../registry/types.ts";
import { decodeBatch } from "./decode-batch.ts";
import type { DecodeJob } from "./decode-job.ts";

let snapshot: RegistrySnapshot = { agents: new Map(), contracts: new Map(), allowUnattested: false };

type Message = { type: "broadcast"; value: RegistrySnapshot } | { type: "job"; id: number; input: DecodeJob };

parentPort?.on("message", (msg: Message) => {
  if (msg.type === "broadcast") {
    snapshot = msg.value;
    return;
  }
  try {
    parentPort?.postMessage({ id: msg.id, ok: true, value: decodeBatch(msg.input, snapshot) });
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, ok: false, error: (err as Error).stack ?? String(err) });
  }
});

parentPort?.postMessage({ type: "ready" });
