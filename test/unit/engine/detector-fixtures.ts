// Window records for detector tests: a message by default, times counted in
// seconds from a fixed instant, ids from a counter.
import type { WindowRecord } from "@/lib/engine/detectors/finding.ts";

export const T0 = Date.UTC(2026, 10, 21, 12);
let n = 0;
export function resetWindowIds(): void {
  n = 0;
}

export function wr(o: Partial<Omit<WindowRecord, "at">> & { sec?: number } = {}): WindowRecord {
  n++;
  const { sec, ...rest } = o;
  return { recordId: `w${n}`, kind: "message", agent: "pricer", receivers: ["planner"], intent: "quote.request", at: T0 + (sec ?? n) * 1000, payload: undefined, ...rest };
}
