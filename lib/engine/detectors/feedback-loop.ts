// Agents feeding each other in a circle while a number grows: a quote that
// each side marks up, a retry budget that doubles, a refund that compounds.
// A cycle is a strongly connected set of agents in the recent message graph.
import { z } from "zod";
import { stronglyConnected } from "../../lineage/strongly-connected.ts";
import { duration, fmt } from "./explain.ts";
import { dedupeWindow, firstAfter, type DetectorWindow, type Finding, type WindowRecord } from "./finding.ts";
import { numericFields } from "./numeric-fields.ts";

export const FeedbackLoopParams = z.object({
  /** How far back from the newest record the message graph reaches. */
  windowMs: z.number().int().positive().default(300_000),
  /** Messages around the cycle carrying the field. */
  minMessages: z.number().int().min(2).default(6),
  /** Last value over first. */
  growth: z.number().gt(1).default(2),
  /** Share of steps that went up. */
  monotone: z.number().min(0).max(1).default(0.8),
});
export type FeedbackLoopParams = z.infer<typeof FeedbackLoopParams>;

export function feedbackLoop(window: DetectorWindow, input: Partial<FeedbackLoopParams> = {}): Finding[] {
  const p = FeedbackLoopParams.parse(input);
  const { history, recent } = dedupeWindow(window);
  if (recent.length === 0) return [];
  const now = recent[recent.length - 1]!.at;
  // History is in time order: only its tail can be inside the window.
  const messages = [...history.slice(firstAfter(history, now - p.windowMs)), ...recent].filter((r) => r.receivers.length > 0 && r.at > now - p.windowMs && r.at <= now).sort((a, b) => a.at - b.at);
  const recentIds = new Set(recent.map((r) => r.recordId));

  const next = new Map<string, Set<string>>();
  for (const m of messages) {
    const set = next.get(m.agent) ?? new Set<string>();
    for (const to of m.receivers) set.add(to);
    next.set(m.agent, set);
  }
  const successors = (a: string) => [...(next.get(a) ?? [])].sort();
  const comps = stronglyConnected([...next.keys()].sort(), successors);

  const out: Finding[] = [];
  for (const members of comps.list) {
    const inside = new Set(members);
    const selfLoop = members.length === 1 && next.get(members[0]!)?.has(members[0]!) === true;
    if (members.length < 2 && !selfLoop) continue;
    const around = messages.filter((m) => inside.has(m.agent) && m.receivers.some((to) => inside.has(to)));
    if (!around.some((m) => recentIds.has(m.recordId))) continue;
    const best = growingField(around, p);
    if (!best) continue;
    const cycle = cycleThrough([...members].sort()[0]!, (a) => successors(a).filter((b) => inside.has(b)));
    const last = best.records[best.records.length - 1]!;
    const spanMs = last.at - best.records[0]!.at;
    out.push({
      detector: "feedback_loop",
      recordId: last.recordId,
      agent: last.agent,
      subject: cycle.join(" -> "),
      score: best.growth,
      explanation:
        `feedback loop ${cycle.join(" -> ")}: ${fmt(best.records.length)} messages in ${duration(Math.max(1000, Math.round(spanMs / 1000) * 1000))}, ` +
        `${best.path} grew ${fmt(best.first)} -> ${fmt(best.last)} (${fmt(best.growth)}x)`,
      params: { windowMs: p.windowMs, minMessages: p.minMessages, growth: p.growth, monotone: p.monotone, field: best.path, first: best.first, last: best.last, risingShare: best.rising },
      evidence: best.records.map((r) => r.recordId),
      at: last.at,
    });
  }
  return out;
}

interface Growing {
  path: string;
  records: WindowRecord[];
  first: number;
  last: number;
  growth: number;
  rising: number;
}

/** The numeric field that grew most around the cycle, if any grew enough, steadily enough. */
function growingField(messages: readonly WindowRecord[], p: FeedbackLoopParams): Growing | null {
  const series = new Map<string, { records: WindowRecord[]; values: number[] }>();
  for (const m of messages) {
    for (const [path, values] of numericFields(m.payload)) {
      const s = series.get(path) ?? { records: [], values: [] };
      s.records.push(m);
      s.values.push(values[0]!);
      series.set(path, s);
    }
  }
  let best: Growing | null = null;
  for (const [path, s] of series) {
    if (s.values.length < p.minMessages) continue;
    const first = s.values[0]!;
    const last = s.values[s.values.length - 1]!;
    if (!(first > 0) || !(last > 0)) continue;
    const growth = last / first;
    let up = 0;
    for (let i = 1; i < s.values.length; i++) if (s.values[i]! > s.values[i - 1]!) up++;
    const rising = up / (s.values.length - 1);
    if (growth < p.growth || rising < p.monotone) continue;
    if (!best || growth > best.growth) best = { path: path === "" ? "(payload)" : path, records: s.records, first, last, growth, rising };
  }
  return best;
}

/** A shortest cycle from `start` back to itself (breadth-first), as agent names, start repeated at the end. */
function cycleThrough(start: string, successors: (a: string) => string[]): string[] {
  const via = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const a = queue[head]!;
    for (const b of successors(a)) {
      if (b === start) {
        const path = [a];
        for (let at = a; at !== start; ) {
          at = via.get(at)!;
          path.push(at);
        }
        return [...path.reverse(), start];
      }
      if (!via.has(b)) {
        via.set(b, a);
        queue.push(b);
      }
    }
  }
  return [start, start];
}
