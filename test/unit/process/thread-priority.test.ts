// The verification threads yield the CPU by their own nice value: it must
// land on the thread that asked, never on the process's other threads (the
// request path and the engine keep theirs).
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { threadNice } from "@/lib/process/thread-priority.ts";

function niceInWorker(nice: number): Promise<{ applied: boolean; nice: number | null }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./nice-worker.mjs", import.meta.url), { workerData: { nice } });
    w.once("message", (m: { applied: boolean; nice: number | null }) => {
      void w.terminate();
      resolve(m);
    });
    w.once("error", reject);
  });
}

// Linux only (a per-thread nice is Linux's); Firebreak's CI and images are Linux.
describe("thread priority", () => {
  it("sets the nice value of the calling thread only", async () => {
    const before = threadNice();
    expect(before).not.toBeNull();
    const target = Math.min(19, before! + 6);
    const seen = await niceInWorker(target);
    expect(seen).toEqual({ applied: true, nice: target });
    expect(threadNice()).toBe(before);
  });
});
