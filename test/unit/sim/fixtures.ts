// Runs for unit tests: virtual time (nothing waits, timestamps follow
// simulated time), an in-memory span exporter, and the records read back off
// the spans the way the collector reads them.
import type { WireRecord } from "@/lib/protocol/record.ts";
import { parseFaultArg, type FaultSpec } from "@/lib/sim/faults/schedule.ts";
import { createRun, type RunOptions, type RunResult, type SimRun } from "@/lib/sim/runner.ts";
import { memorySink, recordsFromSpans } from "@/lib/sim/sink.ts";

export interface VirtualRun {
  run: SimRun;
  result: RunResult;
  /** Every record, in the order it was sent. */
  records: WireRecord[];
}

export type VirtualRunOptions = Partial<Omit<RunOptions, "faults" | "sink" | "clock">> & { faults?: readonly (string | FaultSpec)[] };

export async function virtualRun(options: VirtualRunOptions = {}): Promise<VirtualRun> {
  const { sink, exporter } = memorySink();
  const run = createRun({
    scenario: "procurement",
    seed: "unit",
    namespace: "u",
    ...options,
    faults: (options.faults ?? []).map((f) => (typeof f === "string" ? parseFaultArg(f) : f)),
    clock: { mode: "virtual" },
    sink,
  });
  const result = await run.start();
  return { run, result, records: recordsFromSpans(exporter.getFinishedSpans()) };
}
