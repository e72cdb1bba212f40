// The heap a thread holds, read after full collections: garbage left lying
// in the heap is not counted, what is still referenced is.
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { afterEach, describe, expect, it } from "vitest";
import { watchHeap, type HeapWatch } from "@/lib/process/heap-watch.ts";

// A full collection on demand, without starting the test process with --expose-gc.
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;
const MiB = 1_048_576;
/** The observer hears of a collection a turn of the event loop later. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
/** `mib` MiB on the heap: arrays of doubles, 8 bytes each, held by the returned array. */
const allocate = (mib: number) => Array.from({ length: mib }, (_, i) => new Array<number>(MiB / 8).fill(i + 0.5));

let watch: HeapWatch | null = null;
afterEach(() => watch?.stop());

describe("watchHeap", () => {
  it("says nothing held before a full collection, then what survived it", async () => {
    watch = watchHeap(() => 1_000);
    const before = watch.report();
    expect(before.fullCollections).toBe(0);
    expect(before.liveBytes).toBeNull();
    expect(before.usedBytes).toBeGreaterThan(0);
    expect(before.limitBytes).toBeGreaterThan(before.usedBytes);
    collect();
    await settle();
    const after = watch.report();
    expect(after.fullCollections).toBeGreaterThanOrEqual(1);
    expect(after.liveAt).toBe(1_000);
    expect(after.liveBytes).toBeGreaterThan(0);
  });

  it("counts what is still referenced and leaves garbage out", async () => {
    watch = watchHeap();
    collect();
    await settle();
    const base = watch.report().liveBytes!;

    let held: number[][] | null = allocate(64);
    collect();
    await settle();
    const holding = watch.report().liveBytes!;
    expect(holding - base).toBeGreaterThan(48 * MiB);

    // Dropped: heap in use still counts it until a collection; what is held does not.
    held = null;
    allocate(64);
    expect(watch.report().usedBytes - base).toBeGreaterThan(48 * MiB);
    collect();
    await settle();
    expect(held).toBeNull();
    expect(watch.report().liveBytes! - base).toBeLessThan(16 * MiB);
  });

  it("stops listening when stopped", async () => {
    watch = watchHeap();
    watch.stop();
    collect();
    await settle();
    expect(watch.report().fullCollections).toBe(0);
  });
});
