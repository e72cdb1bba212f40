// An agent sending a message intent, or taking an action, it never did in
// the baseline.
//
// Learning period: an agent's message intents are judged once it has sent
// `minHistory` messages (new_edge's rule: docs/adr/0025). A trader that reads
// and writes for an hour before its first idea is worth sending has not
// shown what it sends yet; counting its reads would call that first idea
// new. Actions are decisions: an agent with `minHistory` records of any kind
// that takes its first action is judged, whatever it did before.
import { z } from "zod";
import { duration, fmt } from "./explain.ts";
import { dedupeWindow, type DetectorWindow, type Finding, type WindowRecord } from "./finding.ts";
import type { NewIntentBaselines } from "./new-intent-baselines.ts";

export const NewIntentParams = z.object({
  /** An agent with fewer messages than this (for a message intent), or fewer records of any kind (for an action), is too new to judge. */
  minHistory: z.number().int().min(0).default(20),
  baselineMs: z.number().int().positive().default(86_400_000),
});
export type NewIntentParams = z.infer<typeof NewIntentParams>;

/** Messages (contract names) and actions (action names); state keys are data, not intents. */
const KINDS: ReadonlySet<string> = new Set(["message", "action"]);

/** What new_intent knows of one agent's history: records and messages counted, the intents it holds. */
interface IntentCounts {
  all: number;
  messages: number;
  message: { has(intent: string): boolean; readonly size: number };
  action: { has(intent: string): boolean; readonly size: number };
}

/**
 * `kept`: the history's counts per agent, kept by the caller (the engine's
 * history cache) over exactly the window's history; read instead of it.
 */
export function newIntent(window: DetectorWindow, input: Partial<NewIntentParams> = {}, kept?: NewIntentBaselines): Finding[] {
  const p = NewIntentParams.parse(input);
  const w = dedupeWindow(window);
  const { recent } = w;
  const byAgent: { get(agent: string): IntentCounts | undefined } = kept ? { get: (agent) => kept.of(agent) } : countIntents(w.history);
  const found = new Map<string, Finding>();
  for (const r of recent) {
    if (!KINDS.has(r.kind) || r.intent === null) continue;
    const a = byAgent.get(r.agent);
    const n = (r.kind === "message" ? a?.messages : a?.all) ?? 0;
    if (n < p.minHistory) continue;
    const key = `${r.agent}\u0000${r.kind}\u0000${r.intent}`;
    const f = found.get(key);
    if (f) {
      // Later uses repeat the novelty, they do not cause it: counted, not named.
      f.params = { ...f.params, later: (f.params.later as number) + 1 };
      continue;
    }
    if ((r.kind === "message" ? a?.message : a?.action)?.has(r.intent)) continue;
    const known = (a?.message.size ?? 0) + (a?.action.size ?? 0);
    const verb = r.kind === "action" ? `took action ${r.intent}` : `sent intent ${r.intent}`;
    found.set(key, {
      detector: "new_intent",
      recordId: r.recordId,
      agent: r.agent,
      subject: `${r.kind} ${r.intent}`,
      score: Number.NaN,
      explanation: `${r.agent} ${verb} for the first time (${duration(p.baselineMs)} baseline: ${fmt(known)} intent${known === 1 ? "" : "s"} over ${fmt(n)} ${r.kind === "message" ? "messages" : "records"})`,
      params: { minHistory: p.minHistory, baselineMs: p.baselineMs, historyRecords: n, knownIntents: known, later: 0 },
      evidence: [r.recordId],
      at: r.at,
    });
  }
  return [...found.values()];
}

/** Per agent, without building a key per history record: what new_intent counts of a window's history. */
function countIntents(history: readonly WindowRecord[]): Map<string, { all: number; messages: number; message: Set<string>; action: Set<string> }> {
  const byAgent = new Map<string, { all: number; messages: number; message: Set<string>; action: Set<string> }>();
  for (const r of history) {
    let a = byAgent.get(r.agent);
    if (!a) byAgent.set(r.agent, (a = { all: 0, messages: 0, message: new Set(), action: new Set() }));
    // In its agent's open learning block (ADR 0030): not counted yet, but its
    // intent was seen (and reported, if it was new) in this block.
    if (!r.learning) {
      a.all++;
      if (r.kind === "message") a.messages++;
    }
    if (r.intent === null) continue;
    if (r.kind === "message") a.message.add(r.intent);
    else if (r.kind === "action") a.action.add(r.intent);
  }
  return byAgent;
}
