// A sender talking to a receiver it never talked to in the baseline.
//
// Learning period: a sender is judged only once it has sent
// `minSenderHistory` messages in the baseline. A fleet's agents find their
// edges as they start working (the executor's first order is also its first
// message to the book-keeper, whenever the first order comes); that is the
// fleet being built, not an anomaly. The period is counted in the sender's own
// messages, not in time: fleets whose rhythms differ a hundredfold (a quote a
// minute, a ticket an hour) learn their edges after as many messages, and the
// count is the sender's own, so it does not depend on what else shares the
// engine's window. `minHistory` still asks the window as a whole for a
// baseline. An agent in its learning period is still judged at the door
// (its registered capabilities name whom it may send to).
import { z } from "zod";
import { duration, fmt } from "./explain.ts";
import { dedupeWindow, type DetectorWindow, type Finding, type WindowRecord } from "./finding.ts";
import type { NewEdgeBaselines } from "./new-edge-baselines.ts";

export const NewEdgeParams = z.object({
  /** Below this many records with receivers in the history, every edge would be new: say nothing. */
  minHistory: z.number().int().min(0).default(50),
  /** A sender with fewer messages than this in the history is still learning its edges: its edges are not judged. */
  minSenderHistory: z.number().int().min(0).default(20),
  baselineMs: z.number().int().positive().default(86_400_000),
});
export type NewEdgeParams = z.infer<typeof NewEdgeParams>;

/** What new_edge knows of the baseline, read from the window or kept by the caller. */
interface EdgeBaseline {
  knows(sender: string, receiver: string): boolean;
  sentByAgent(agent: string): number;
  sent: number;
  agents: number;
  knownEdges: number;
}

/**
 * `kept`: the baseline's edges and counts, kept by the caller (the engine's
 * history cache) over the window's history, read instead of the history.
 */
export function newEdge(window: DetectorWindow, input: Partial<NewEdgeParams> = {}, kept?: NewEdgeBaselines): Finding[] {
  const p = NewEdgeParams.parse(input);
  const w = dedupeWindow(window);
  const { recent } = w;
  const base: EdgeBaseline = kept ?? readBaseline(w.history);
  const { sent, knownEdges } = base;
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
      if (base.knows(r.agent, to)) continue;
      const senderHistory = base.sentByAgent(r.agent);
      if (senderHistory < p.minSenderHistory) continue;
      found.set(key, {
        detector: "new_edge",
        recordId: r.recordId,
        agent: r.agent,
        subject: `${r.agent} -> ${to}`,
        score: Number.NaN,
        explanation: `new edge ${r.agent} -> ${to}: never seen in the ${duration(p.baselineMs)} baseline (${fmt(sent)} records between ${fmt(base.agents)} agents, ${fmt(senderHistory)} sent by ${r.agent})`,
        params: { minHistory: p.minHistory, minSenderHistory: p.minSenderHistory, baselineMs: p.baselineMs, historyRecords: sent, senderHistory, knownEdges, later: 0 },
        evidence: [r.recordId],
        at: r.at,
      });
    }
  }
  return [...found.values()];
}

/** The baseline read from the window's history. */
function readBaseline(history: readonly WindowRecord[]): EdgeBaseline {
  // Receivers per sender, without building a key per history record: this loop runs over the whole window every pass.
  const known = new Map<string, Set<string>>();
  const knownOf = (agent: string): Set<string> => {
    let set = known.get(agent);
    if (!set) known.set(agent, (set = new Set()));
    return set;
  };
  const agents = new Set<string>();
  const sentBy = new Map<string, number>();
  let sent = 0;
  for (const r of history) {
    if (r.receivers.length === 0) continue;
    const to = knownOf(r.agent);
    if (r.learning) {
      // Its sender's open learning block (ADR 0030): not counted yet, but an
      // edge it opened was seen (and reported, if it was new) in this block;
      // one pass over the block would have counted the rest, not named them.
      for (const b of r.receivers) to.add(b);
      continue;
    }
    sent++;
    sentBy.set(r.agent, (sentBy.get(r.agent) ?? 0) + 1);
    agents.add(r.agent);
    for (const b of r.receivers) {
      to.add(b);
      agents.add(b);
    }
  }
  let knownEdges = 0;
  for (const set of known.values()) knownEdges += set.size;
  return { knows: (a, b) => known.get(a)?.has(b) ?? false, sentByAgent: (a) => sentBy.get(a) ?? 0, sent, agents: agents.size, knownEdges };
}
