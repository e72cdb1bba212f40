// A thread's own CPU time: a worker that spins counts its spin, and the
// thread that waited for it does not.
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { threadCpuSeconds } from "@/lib/process/thread-stat.ts";

function spinInWorker(ms: number): Promise<{ before: number | null; after: number | null }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./cpu-worker.mjs", import.meta.url), { workerData: { ms } });
    w.once("message", (m: { before: number | null; after: number | null }) => {
      void w.terminate();
      resolve(m);
    });
    w.once("error", reject);
  });
}

describe("threadCpuSeconds", () => {
  it("counts the calling thread's CPU only", async () => {
    const mineBefore = threadCpuSeconds()!;
    expect(mineBefore).toBeGreaterThan(0);
    const seen = await spinInWorker(600);
    // The worker spun for 0.6 s of wall clock: on a busy machine it gets less of a core, never more.
    expect(seen.after! - seen.before!).toBeGreaterThan(0.05);
    expect(seen.after! - seen.before!).toBeLessThan(1);
    // This thread only waited (and started a worker): far less than the worker's spin.
    expect(threadCpuSeconds()! - mineBefore).toBeLessThan(seen.after! - seen.before!);
  });
});
