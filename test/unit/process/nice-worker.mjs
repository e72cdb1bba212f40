// A worker for thread-priority.test.ts: sets its own nice and reports what the kernel says.
import { register } from "tsx/esm/api";
import { parentPort, workerData } from "node:worker_threads";

register();
const { niceThisThread, threadNice } = await import("../../../lib/process/thread-priority.ts");
const applied = niceThisThread(workerData.nice);
parentPort.postMessage({ applied, nice: threadNice() });
