// The lineage gate: before an action that matters leaves the guard, the
// control plane is asked whether what it descends from is still clean. A
// breaker only refuses traffic on its own edge, and a cascade from a poisoned
// read to an order takes milliseconds, so the edge the engine trips is often
// one or more hops upstream of the action by the time it is judged. The
// guard cannot see that far itself (it knows the ids it was handed, not the
// records behind them), so it asks the service that stores the graph
// (GET /api/v1/control/lineage) and waits while the answer is "pending": the
// records it names are not stored, or not judged by the engine, yet.
//
// Red actions are re-checked when their approval arrives (an approver saw
// the arguments, not what the engine learnt while they thought); the classes
// in `lineageGate.classes` are held until the answer is in. Fail rules: red
// actions fail closed; other classes follow the guard's fail mode.
import { z } from "zod";
import type { ActionClass } from "../protocol/record.ts";
import { abortableSleep } from "./abortable-sleep.ts";

export const LINEAGE_VERDICTS = ["clear", "tainted", "pending"] as const;
export type LineageVerdict = (typeof LINEAGE_VERDICTS)[number];

export const LineageClearance = z.object({
  /** clear: nothing upstream was contained; tainted: something was; pending: not everything is stored and judged yet. */
  verdict: z.enum(LINEAGE_VERDICTS),
  /** The records asked about. */
  records: z.array(z.string()),
  /** Why tainted or pending, one sentence each. */
  reasons: z.array(z.string()),
  /** Records asked about that are not stored, not settled, or not yet judged by the engine. */
  pending: z.array(z.string()),
  /** The upstream walk hit its bounds: the answer covers what lies within them. */
  truncated: z.boolean(),
});
export type LineageClearance = z.infer<typeof LineageClearance>;

/** Where a guard asks about lineage: the control plane (ControlPlanePolicy.lineage()), or a test double. */
export interface LineageSource {
  clearance(records: readonly string[], signal: AbortSignal): Promise<LineageClearance>;
}

export interface LineageGate {
  /** Action classes held until their lineage is clear. Red actions are always re-checked at approval when a source is set. */
  classes?: readonly ActionClass[];
  /** Longest wait for a definitive answer, real ms. Default 30 s. */
  timeoutMs?: number;
  /** Between two asks while the answer is pending, real ms. Default 200. */
  pollMs?: number;
}

export type ClearanceOutcome = { outcome: "clear" } | { outcome: "tainted"; reason: string } | { outcome: "unverified"; reason: string };


/**
 * Asks until the answer is clear or tainted, or the time is up. An error
 * (the control plane down, a 5xx) is retried like a pending answer: the
 * outcome is "unverified" only when no definitive answer came in time.
 */
export async function awaitClearance(
  source: LineageSource,
  records: readonly string[],
  options: { timeoutMs: number; pollMs: number; signal: AbortSignal; now?: () => number },
): Promise<ClearanceOutcome> {
  if (records.length === 0) return { outcome: "clear" };
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  let last = "no answer yet";
  for (;;) {
    if (options.signal.aborted) return { outcome: "unverified", reason: "the guard was shut down while the lineage check was under way" };
    try {
      const c = await source.clearance(records, options.signal);
      if (c.verdict === "clear") return { outcome: "clear" };
      if (c.verdict === "tainted") return { outcome: "tainted", reason: c.reasons.join("; ") || "it descends from a record the control plane contained" };
      last = c.reasons.join("; ") || `waiting for ${c.pending.join(", ")} to be stored and judged`;
    } catch (err) {
      last = `the lineage check failed: ${(err as Error).message}`;
    }
    const left = deadline - now();
    if (left <= 0) return { outcome: "unverified", reason: `no definitive answer within ${options.timeoutMs} ms (${last})` };
    await abortableSleep(Math.min(options.pollMs, left), options.signal);
  }
}

/** The control plane's lineage endpoint over HTTP. */
export function httpLineage(options: { baseUrl: string; token: string; fetch?: typeof fetch }): LineageSource {
  const base = options.baseUrl.replace(/\/+$/, "");
  const fetchFn = options.fetch ?? fetch;
  return {
    async clearance(records, signal) {
      const res = await fetchFn(`${base}/api/v1/control/lineage?records=${records.map(encodeURIComponent).join(",")}`, {
        headers: { authorization: `Bearer ${options.token}` },
        signal,
      });
      if (!res.ok) throw new Error(`the lineage endpoint answered ${res.status}`);
      return LineageClearance.parse(await res.json());
    },
  };
}
