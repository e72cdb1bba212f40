// The collector's verification threads yield the CPU to the engine and the
// request path when the machine is busy: each runs at the configured nice,
// and no other thread of the process is touched.
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { threadNice } from "@/lib/process/thread-priority.ts";
import { startHarness, type Harness } from "./collector-harness.ts";

const NICE = 4;
let h: Harness;
let mainBefore: number | null;

/** The nice value of every thread of this process, from /proc. */
function niceOfThreads(): number[] {
  return readdirSync("/proc/self/task").map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  });
}

beforeAll(async () => {
  mainBefore = threadNice();
  h = await startHarness({ workers: 2, verifyNice: NICE });
});

afterAll(async () => {
  await h.close();
});

describe("verification threads", () => {
  it("run at the configured nice, one per worker, and leave the other threads as they were", () => {
    expect(niceOfThreads().filter((n) => n === NICE)).toHaveLength(2);
    expect(threadNice()).toBe(mainBefore);
  });
});
