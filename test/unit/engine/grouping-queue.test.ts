import { describe, expect, it } from "vitest";
import { GroupingQueue } from "@/lib/engine/incidents/grouping-queue.ts";

/** A grouping call the test finishes by hand. */
function gate() {
  const calls: { ids: string[]; project: string; finish: (err?: Error) => void }[] = [];
  const group = (ids: string[], project: string) =>
    new Promise<void>((resolve, reject) => calls.push({ ids, project, finish: (err) => (err ? reject(err) : resolve()) }));
  return { calls, group };
}

const settled = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe("grouping queue", () => {
  it("groups batches one at a time, in the order the passes stored them, without holding the pass", async () => {
    const { calls, group } = gate();
    const q = new GroupingQueue(group, () => {}, 4);
    let returned = 0;
    void q.add(["f1"], "default").then(() => returned++);
    void q.add(["f2"], "acme").then(() => returned++);
    await settled();
    // Both passes went on at once; only the first batch is being grouped.
    expect(returned).toBe(2);
    expect(calls.map((c) => c.ids)).toEqual([["f1"]]);
    calls[0]!.finish();
    await settled();
    expect(calls.map((c) => [c.ids, c.project])).toEqual([[["f1"], "default"], [["f2"], "acme"]]);
    calls[1]!.finish();
    await q.drain();
    expect(q.length).toBe(0);
  });

  it("makes a pass wait once grouping falls more than its limit behind", async () => {
    const { calls, group } = gate();
    const q = new GroupingQueue(group, () => {}, 2);
    const waits: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      let done = false;
      void q.add([`f${i}`], "default").then(() => (done = true));
      await settled();
      waits.push(!done);
    }
    // The third batch is the one over the limit: its pass waits for it to be grouped.
    expect(waits).toEqual([false, false, true]);
    expect(q.length).toBe(3);
    calls[0]!.finish();
    await settled();
    calls[1]!.finish();
    await settled();
    calls[2]!.finish();
    await q.drain();
    expect(q.length).toBe(0);
  });

  it("logs a failed batch and goes on with the next", async () => {
    const { calls, group } = gate();
    const lines: string[] = [];
    const q = new GroupingQueue(group, (l) => lines.push(l), 4);
    void q.add(["f1"], "default");
    void q.add(["f2"], "default");
    await settled();
    calls[0]!.finish(new Error("connection reset"));
    await settled();
    expect(lines).toEqual(["engine: grouping findings into incidents failed: connection reset"]);
    expect(calls).toHaveLength(2);
    calls[1]!.finish();
    await q.drain();
  });
});
