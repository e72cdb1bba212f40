// What the collector and its engine thread say to each other.
import type { EngineLoop } from "./engine-loop.ts";
import type { HeapReport } from "../../process/heap-watch.ts";

/** The loop's counters, and the engine thread's own heap (a thread has its own) and CPU seconds (null off Linux). */
export type EngineStats = ReturnType<EngineLoop["stats"]> & { heap?: HeapReport; cpuSeconds?: number | null };

export interface EngineThreadData {
  databaseUrl: string;
  batchSize: number;
  /** How often the thread sends its counters unasked. */
  statsEveryMs: number;
}

export type ToEngine = { type: "stats"; id: number; lagSince?: number } | { type: "stop" };

export type FromEngine =
  | { type: "ready"; stats: EngineStats }
  | { type: "stats"; id?: number; stats: EngineStats }
  | { type: "pass"; ms: number }
  | { type: "log"; line: string }
  | { type: "stopped" };
