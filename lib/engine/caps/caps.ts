// Caps and limits: hard bounds on how far and how fast work may spread,
// checked per record and per cycle. A cascade travels as valid traffic; caps
// stop it from travelling far or fast whatever the detectors think of it.
//
// - receivers: at most `maxReceivers` receivers on one message;
// - depth: at most `maxDepth` hops from the human request at the root of the
//   record's chain (a request is depth 0, its direct children 1, ...);
// - messages per cycle: at most `maxMessagesPerCycle` messages from one agent
//   in one cycle (cycles are aligned to the epoch, `cycleMs` long, so the
//   finding can name the exact cycle);
// - concurrent fan-outs: at most `maxConcurrentFanOuts` fan-out messages (two
//   or more receivers) from one agent in flight at once, where a fan-out is
//   in flight for `cycleMs` after it was sent.
//
// Per-record caps report every violating record. Per-cycle caps report once
// per agent and cap, then stay quiet for `cooldownMs`, so one runaway agent
// does not bury everything else; but every record over the limit is named:
// the finding's evidence holds the records over the limit when it was made,
// and those that go over it while the cap cools down are added to it (in the
// same pass, here; from a later pass, by the caller: `cooledOver`), so
// lineage counts each record of a storm as flagged, not just the first.
import { z } from "zod";
import { duration, fmt } from "../detectors/explain.ts";
import { firstAfter, type Finding, type WindowRecord } from "../detectors/finding.ts";

export const CapsParams = z
  .object({
    maxReceivers: z.number().int().min(1).default(3),
    maxDepth: z.number().int().min(1).default(5),
    maxMessagesPerCycle: z.number().int().min(1).default(20),
    maxConcurrentFanOuts: z.number().int().min(1).default(5),
    cycleMs: z.number().int().positive().default(60_000),
    cooldownMs: z.number().int().nonnegative().default(300_000),
  })
  .strict();
export type CapsParams = z.infer<typeof CapsParams>;

export interface CapsInput {
  /** The agent's earlier records (any verdict): what the per-cycle counts start from. */
  history: readonly WindowRecord[];
  /** `history` is in time order: only its tail within a cycle of the first recent record is read. */
  historyInOrder?: boolean;
  /** Records to judge, in time order. */
  recent: readonly WindowRecord[];
  /** Hops from the root request, when known (null: the chain could not be followed). */
  depthOf: (recordId: string) => number | null;
  /** When each (agent, cap) last reported, ms; updated in place. */
  lastReported: Map<string, number>;
  /**
   * Records over a per-cycle limit while its cap cooled down after a finding
   * made in an earlier call, by `capKey(agent, cap)`; filled in place. The
   * caller adds them to that finding's evidence.
   */
  cooledOver?: Map<string, string[]>;
}

/** The key per-cycle caps cool down under: one per agent and cap. */
export const capKey = (agent: string, cap: string): string => `${agent}\u0000${cap}`;

/** Per-cycle caps: they cool down after a finding and add later records to it (`cooledOver`). */
export const PER_CYCLE_CAPS: ReadonlySet<string> = new Set(["cap_messages_per_cycle", "cap_concurrent_fan_outs"]);

const isMessage = (r: WindowRecord): boolean => r.kind === "message" && r.receivers.length > 0;

export function checkCaps(input: CapsInput, params: Partial<CapsParams> = {}): Finding[] {
  const p = CapsParams.parse(params);
  const out: Finding[] = [];
  const shared = { maxReceivers: p.maxReceivers, maxDepth: p.maxDepth, maxMessagesPerCycle: p.maxMessagesPerCycle, maxConcurrentFanOuts: p.maxConcurrentFanOuts, cycleMs: p.cycleMs, cooldownMs: p.cooldownMs };

  for (const r of input.recent) {
    const receivers = new Set(r.receivers).size;
    if (isMessage(r) && receivers > p.maxReceivers) {
      out.push({
        detector: "cap_receivers",
        recordId: r.recordId,
        agent: r.agent,
        subject: `${r.intent ?? r.kind} receivers`,
        score: receivers / p.maxReceivers,
        explanation: `${r.agent} sent ${r.intent ?? "a message"} to ${receivers} receivers (limit ${p.maxReceivers})`,
        params: { ...shared, value: receivers },
        evidence: [r.recordId],
        at: r.at,
      });
    }
    const depth = input.depthOf(r.recordId);
    if (depth !== null && depth > p.maxDepth) {
      out.push({
        detector: "cap_depth",
        recordId: r.recordId,
        agent: r.agent,
        subject: `${r.intent ?? r.kind} depth`,
        score: depth / p.maxDepth,
        explanation: `${r.agent}'s ${r.kind} ${r.intent ?? ""} is ${depth} hops from the human request (limit ${p.maxDepth})`.replace("  ", " "),
        params: { ...shared, value: depth },
        evidence: [r.recordId],
        at: r.at,
      });
    }
  }

  const byAgent = new Map<string, { history: WindowRecord[]; recent: WindowRecord[] }>();
  const bucket = (agent: string) => {
    let b = byAgent.get(agent);
    if (!b) byAgent.set(agent, (b = { history: [], recent: [] }));
    return b;
  };
  let first = Number.POSITIVE_INFINITY;
  for (const r of input.recent) {
    if (!isMessage(r)) continue;
    bucket(r.agent).recent.push(r);
    if (r.at < first) first = r.at;
  }
  // A record a cycle or more before the first recent message is in no cycle
  // a recent one is counted in, and no longer in flight when it is sent: of
  // history in time order only that tail is read (the engine's history is a
  // day of every agent's records; the caps need the last minute of it).
  const from = input.historyInOrder && byAgent.size > 0 ? firstAfter(input.history, first - p.cycleMs) : 0;
  for (let i = from; i < input.history.length; i++) {
    const r = input.history[i]!;
    if (isMessage(r) && byAgent.has(r.agent)) bucket(r.agent).history.push(r);
  }

  const cooledOver = input.cooledOver ?? new Map<string, string[]>();
  for (const [agent, { history, recent }] of byAgent) {
    out.push(...messagesPerCycle(agent, history, recent, p, shared, new Cooldown(input.lastReported, cooledOver, p.cooldownMs)));
    out.push(...concurrentFanOuts(agent, history, recent, p, shared, new Cooldown(input.lastReported, cooledOver, p.cooldownMs)));
  }
  return out;
}

/** One agent's per-cycle cap: reports, or names records over the limit as evidence of the report that is cooling down. */
class Cooldown {
  /** The finding this call made for the key, if any: later records join its evidence directly. */
  private open: Finding | null = null;
  /** Its evidence, to ask membership of without reading the list (a storm adds hundreds a pass). */
  private named = new Set<string>();

  constructor(
    private readonly lastReported: Map<string, number>,
    private readonly cooledOver: Map<string, string[]>,
    private readonly cooldownMs: number,
  ) {}

  cooling(key: string, at: number): boolean {
    const last = this.lastReported.get(key);
    return last !== undefined && at - last < this.cooldownMs;
  }

  report(key: string, f: Finding): Finding {
    this.lastReported.set(key, f.at);
    this.open = f;
    this.named = new Set(f.evidence);
    return f;
  }

  /** A record over the limit while cooling: evidence of the finding that started the cooldown. Returns that finding when this call made it. */
  over(key: string, recordId: string): Finding | null {
    if (this.open) {
      if (!this.named.has(recordId)) {
        this.named.add(recordId);
        this.open.evidence.push(recordId);
      }
      return this.open;
    }
    const list = this.cooledOver.get(key);
    if (list) list.push(recordId);
    else this.cooledOver.set(key, [recordId]);
    return null;
  }
}

function messagesPerCycle(
  agent: string,
  history: readonly WindowRecord[],
  recent: readonly WindowRecord[],
  p: CapsParams,
  shared: Finding["params"],
  cooldown: Cooldown,
): Finding[] {
  const out: Finding[] = [];
  const cycleOf = (at: number) => Math.floor(at / p.cycleMs);
  const counts = new Map<number, string[]>();
  const recentIds = new Set(recent.map((r) => r.recordId));
  // Only the cycles the recent records fall in are ever counted.
  const cycles = new Set(recent.map((r) => cycleOf(r.at)));
  for (const r of history) {
    const c = cycleOf(r.at);
    if (!cycles.has(c) || recentIds.has(r.recordId)) continue;
    const list = counts.get(c) ?? [];
    list.push(r.recordId);
    counts.set(c, list);
  }
  const key = capKey(agent, "cap_messages_per_cycle");
  const words = (n: number, c: number) =>
    `${agent} sent ${fmt(n)} messages in the ${duration(p.cycleMs)} cycle from ${new Date(c * p.cycleMs).toISOString().slice(11, 19)} UTC (limit ${p.maxMessagesPerCycle})`;
  for (const r of recent) {
    const c = cycleOf(r.at);
    const list = counts.get(c) ?? [];
    list.push(r.recordId);
    counts.set(c, list);
    if (list.length <= p.maxMessagesPerCycle) continue;
    if (cooldown.cooling(key, r.at)) {
      const f = cooldown.over(key, r.recordId);
      // Same cycle: the finding's count follows the records it names.
      if (f && f.params.cycleStart === c * p.cycleMs) {
        f.params = { ...f.params, value: list.length };
        f.score = list.length / p.maxMessagesPerCycle;
        f.explanation = words(list.length, c);
      }
      continue;
    }
    out.push(
      cooldown.report(key, {
        detector: "cap_messages_per_cycle",
        recordId: r.recordId,
        agent,
        subject: "messages per cycle",
        score: list.length / p.maxMessagesPerCycle,
        explanation: words(list.length, c),
        params: { ...shared, value: list.length, cycleStart: c * p.cycleMs },
        evidence: list.slice(p.maxMessagesPerCycle),
        at: r.at,
      }),
    );
  }
  return out;
}

function concurrentFanOuts(
  agent: string,
  history: readonly WindowRecord[],
  recent: readonly WindowRecord[],
  p: CapsParams,
  shared: Finding["params"],
  cooldown: Cooldown,
): Finding[] {
  const out: Finding[] = [];
  const isFanOut = (r: WindowRecord) => r.receivers.length >= 2 && new Set(r.receivers).size >= 2;
  const recentIds = new Set(recent.map((r) => r.recordId));
  // In flight: fan-outs sent within the last cycleMs (two pointers over time).
  const inFlight: WindowRecord[] = history.filter((r) => isFanOut(r) && !recentIds.has(r.recordId));
  const key = capKey(agent, "cap_concurrent_fan_outs");
  let head = 0;
  for (const r of recent) {
    if (!isFanOut(r)) continue;
    inFlight.push(r);
    while (head < inFlight.length && inFlight[head]!.at <= r.at - p.cycleMs) head++;
    const open = inFlight.length - head;
    if (open <= p.maxConcurrentFanOuts) continue;
    if (cooldown.cooling(key, r.at)) {
      cooldown.over(key, r.recordId);
      continue;
    }
    out.push(cooldown.report(key, {
      detector: "cap_concurrent_fan_outs",
      recordId: r.recordId,
      agent,
      subject: "concurrent fan-outs",
      score: open / p.maxConcurrentFanOuts,
      explanation: `${agent} had ${open} fan-out messages in flight within ${duration(p.cycleMs)} (limit ${p.maxConcurrentFanOuts})`,
      params: { ...shared, value: open },
      evidence: inFlight.slice(head + p.maxConcurrentFanOuts).map((x) => x.recordId),
      at: r.at,
    }));
  }
  return out;
}
