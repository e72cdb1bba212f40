// What a thread's heap holds, as opposed to what it has allocated. RSS and
// heapUsed both count garbage not yet collected, and on a machine with
// memory to spare V8 collects late: a collector's RSS can double in a soak
// while what it keeps stays flat (docs/benchmarks.md). What survives a full
// (mark-compact) collection is what the thread holds; growth there is a leak.
//
// Each isolate has its own heap, so each thread watches its own: the
// collector's main thread and the engine's thread report theirs.
import { constants, PerformanceObserver } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";

export interface HeapReport {
  /** Heap in use just after the last full collection, bytes; null before the first. */
  liveBytes: number | null;
  /** When that collection ended, ms since the epoch; null before the first. */
  liveAt: number | null;
  /** Full collections seen since the watch began. */
  fullCollections: number;
  /** Heap in use now, garbage included, bytes. */
  usedBytes: number;
  /** The heap's limit (--max-old-space-size and the young generation), bytes. */
  limitBytes: number;
}

export interface HeapWatch {
  report(): HeapReport;
  stop(): void;
}

/** Full collections only: a scavenge leaves the old generation's garbage in place, so the heap after it says nothing of what is held. */
const FULL = constants.NODE_PERFORMANCE_GC_MAJOR;

export function watchHeap(now: () => number = Date.now): HeapWatch {
  let liveBytes: number | null = null;
  let liveAt: number | null = null;
  let fullCollections = 0;
  // The observer is called soon after the collection, not inside it: what was allocated in between counts too, a young generation's worth at most.
  const observer = new PerformanceObserver((list) => {
    const full = list.getEntries().filter((e) => (e as unknown as { detail?: { kind?: number } }).detail?.kind === FULL);
    if (full.length === 0) return;
    fullCollections += full.length;
    liveBytes = getHeapStatistics().used_heap_size;
    liveAt = now();
  });
  observer.observe({ entryTypes: ["gc"] });
  return {
    report() {
      const s = getHeapStatistics();
      return { liveBytes, liveAt, fullCollections, usedBytes: s.used_heap_size, limitBytes: s.heap_size_limit };
    },
    stop() {
      observer.disconnect();
    },
  };
}
