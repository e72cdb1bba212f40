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
import { dedupeWindow, type DetectorWindow, type Finding } from "./finding.ts";

export const NewIntentParams = z.object({
  /** An agent with fewer messages than this (for a message intent), or fewer records of any kind (for an action), is too new to judge. */
  minHistory: z.number().int().min(0).default(20),
  baselineMs: z.number().int().positive().default(86_400_000),
});
export type NewIntentParams = z.infer<typeof NewIntentParams>;

/** Messages (contract names) and actions (action names); state keys are data, not intents. */
const KINDS: ReadonlySet<string> = new Set(["message", "action"]);

export function newIntent(window: DetectorWindow, input: Partial<NewIntentParams> = {}): Finding[] {
  const p = NewIntentParams.parse(input);
  const { history, recent } = dedupeWindow(window);
  const seen = new Map<string, Set<string>>();
  const counts = new Map<string, number>();
  for (const r of history) {
    // In its agent's open learning block (ADR 0030): not counted yet, but its
    // intent was seen (and reported, if it was new) in this block.
    if (!r.learning) {
      counts.set(`${r.agent}\u0000*`, (counts.get(`${r.agent}\u0000*`) ?? 0) + 1);
      if (r.kind === "message") counts.set(`${r.agent}\u0000message`, (counts.get(`${r.agent}\u0000message`) ?? 0) + 1);
    }
    if (!KINDS.has(r.kind) || r.intent === null) continue;
    const set = seen.get(r.agent) ?? new Set<string>();
    set.add(`${r.kind}\u0000${r.intent}`);
    seen.set(r.agent, set);
  }
  const found = new Map<string, Finding>();
  for (const r of recent) {
    if (!KINDS.has(r.kind) || r.intent === null) continue;
    const n = counts.get(`${r.agent}\u0000${r.kind === "message" ? "message" : "*"}`) ?? 0;
    if (n < p.minHistory) continue;
    const key = `${r.agent}\u0000${r.kind}\u0000${r.intent}`;
    const f = found.get(key);
    if (f) {
      // Later uses repeat the novelty, they do not cause it: counted, not named.
      f.params = { ...f.params, later: (f.params.later as number) + 1 };
      continue;
    }
    const own = seen.get(r.agent) ?? new Set<string>();
    if (own.has(`${r.kind}\u0000${r.intent}`)) continue;
    const verb = r.kind === "action" ? `took action ${r.intent}` : `sent intent ${r.intent}`;
    found.set(key, {
      detector: "new_intent",
      recordId: r.recordId,
      agent: r.agent,
      subject: `${r.kind} ${r.intent}`,
      score: Number.NaN,
      explanation: `${r.agent} ${verb} for the first time (${duration(p.baselineMs)} baseline: ${fmt(own.size)} intent${own.size === 1 ? "" : "s"} over ${fmt(n)} ${r.kind === "message" ? "messages" : "records"})`,
      params: { minHistory: p.minHistory, baselineMs: p.baselineMs, historyRecords: n, knownIntents: own.size, later: 0 },
      evidence: [r.recordId],
      at: r.at,
    });
  }
  return [...found.values()];
}
