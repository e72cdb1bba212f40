// A sender talking to a receiver it never talked to in the baseline.
import { z } from "zod";
import { duration, fmt } from "./explain.ts";
import { dedupeWindow, type DetectorWindow, type Finding } from "./finding.ts";

export const NewEdgeParams = z.object({
  /** Below this many records with receivers in the history, every edge would be new: say nothing. */
  minHistory: z.number().int().min(0).default(50),
  baselineMs: z.number().int().positive().default(86_400_000),
});
export type NewEdgeParams = z.infer<typeof NewEdgeParams>;

export function newEdge(window: DetectorWindow, input: Partial<NewEdgeParams> = {}): Finding[] {
  const p = NewEdgeParams.parse(input);
  const { history, recent } = dedupeWindow(window);
  const known = new Set<string>();
  const agents = new Set<string>();
  let sent = 0;
  for (const r of history) {
    if (r.receivers.length === 0) continue;
    sent++;
    agents.add(r.agent);
    for (const to of r.receivers) {
      known.add(`${r.agent}\u0000${to}`);
      agents.add(to);
    }
  }
  if (sent < p.minHistory) return [];
  const found = new Map<string, Finding>();
  for (const r of recent) {
    for (const to of new Set(r.receivers)) {
      const key = `${r.agent}\u0000${to}`;
      const f = found.get(key);
      if (f) {
        // Later records on the edge repeat the novelty, they do not cause it:
        // counted, not named (lineage flags every record a finding names).
        f.params = { ...f.params, later: (f.params.later as number) + 1 };
        continue;
      }
      if (known.has(key)) continue;
      found.set(key, {
        detector: "new_edge",
        recordId: r.recordId,
        agent: r.agent,
        subject: `${r.agent} -> ${to}`,
        score: Number.NaN,
        explanation: `new edge ${r.agent} -> ${to}: never seen in the ${duration(p.baselineMs)} baseline (${fmt(sent)} records between ${fmt(agents.size)} agents)`,
        params: { minHistory: p.minHistory, baselineMs: p.baselineMs, historyRecords: sent, knownEdges: known.size, later: 0 },
        evidence: [r.recordId],
        at: r.at,
      });
    }
  }
  return [...found.values()];
}
