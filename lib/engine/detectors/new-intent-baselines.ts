// new_intent's baseline, kept as records come and go instead of read again
// every pass: per agent, how many records and messages it has learned, and
// which message intents and actions its baseline holds (counted, so one
// aging out does not forget an intent another record still holds). What
// new_intent reads of an agent's history does not depend on the order of
// it, so these answer for any batch. The engine's history cache keeps one
// (history-cache.ts); the detector reads the window when given none.
import type { WindowRecord } from "./finding.ts";

export interface AgentIntents {
  /** Records learned (not in an open learning block). */
  all: number;
  messages: number;
  message: Map<string, number>;
  action: Map<string, number>;
}

export class NewIntentBaselines {
  private readonly agents = new Map<string, AgentIntents>();

  /** A record joins the baseline; `learning`: in its agent's open learning block (its intent is known, it is not counted yet). */
  enter(r: WindowRecord, learning: boolean): void {
    let a = this.agents.get(r.agent);
    if (!a) this.agents.set(r.agent, (a = { all: 0, messages: 0, message: new Map(), action: new Map() }));
    if (!learning) this.count(a, r, 1);
    const intents = this.intentsOf(a, r);
    if (intents) intents.set(r.intent!, (intents.get(r.intent!) ?? 0) + 1);
  }

  /** A record in the baseline left its learning block and stays: it is counted now. */
  settle(r: WindowRecord): void {
    const a = this.agents.get(r.agent);
    if (a) this.count(a, r, 1);
  }

  /** A record leaves the baseline (aged out, or anomalous once its learning block closed). */
  leave(r: WindowRecord, learning: boolean): void {
    const a = this.agents.get(r.agent);
    if (!a) return;
    if (!learning) this.count(a, r, -1);
    const intents = this.intentsOf(a, r);
    if (intents) {
      const n = (intents.get(r.intent!) ?? 0) - 1;
      if (n > 0) intents.set(r.intent!, n);
      else intents.delete(r.intent!);
    }
    if (a.all === 0 && a.message.size === 0 && a.action.size === 0) this.agents.delete(r.agent);
  }

  of(agent: string): AgentIntents | undefined {
    return this.agents.get(agent);
  }

  clear(): void {
    this.agents.clear();
  }

  private count(a: AgentIntents, r: WindowRecord, by: 1 | -1): void {
    a.all += by;
    if (r.kind === "message") a.messages += by;
  }

  private intentsOf(a: AgentIntents, r: WindowRecord): Map<string, number> | null {
    if (r.intent === null) return null;
    return r.kind === "message" ? a.message : r.kind === "action" ? a.action : null;
  }
}
