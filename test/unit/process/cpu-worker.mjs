// A worker for thread-cpu.test.ts: spins for `ms` and reports its own CPU seconds before and after.
import { register } from "tsx/esm/api";
import { parentPort, workerData } from "node:worker_threads";

register();
const { threadCpuSeconds } = await import("../../../lib/process/thread-stat.ts");
const before = threadCpuSeconds();
const until = Date.now() + workerData.ms;
let x = 0;
while (Date.now() < until) x += Math.sqrt(x + 1);
parentPort.postMessage({ before, after: threadCpuSeconds(), x });
