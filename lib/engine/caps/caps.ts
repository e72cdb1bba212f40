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
import { byTimeThenId, firstAfter, firstAtOrAfter, type Finding, type WindowRecord } from "../detectors/finding.ts";

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
  /**
   * Each agent's earlier messages (with receivers), in time order (ties by
   * id), none of `recent`'s: read instead of `history` (the engine's history
   * cache keeps them, so a pass does not walk the last cycle of every agent's
   * traffic; in a storm that is all of it).
   */
  messagesOf?: (agent: string) => readonly WindowRecord[];
  /** Each agent's earlier fan-outs (isFanOut), likewise: read with `messagesOf`. */
  fanOutsOf?: (agent: string) => readonly WindowRecord[];
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

/** A message to two or more distinct receivers: in flight for a cycle after it was sent. */
export const isFanOut = (r: WindowRecord): boolean => isMessage(r) && r.receivers.some((b) => b !== r.receivers[0]);

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

  const recentBy = new Map<string, WindowRecord[]>();
  let first = Number.POSITIVE_INFINITY;
  for (const r of input.recent) {
    if (!isMessage(r)) continue;
    const list = recentBy.get(r.agent);
    if (list) list.push(r);
    else recentBy.set(r.agent, [r]);
    if (r.at < first) first = r.at;
  }
  const pastOf = input.messagesOf ?? pastFromHistory(input, recentBy, first - p.cycleMs);
  const fanOutsOf = input.messagesOf && input.fanOutsOf ? input.fanOutsOf : (agent: string) => pastOf(agent).filter(isFanOut);

  const cooledOver = input.cooledOver ?? new Map<string, string[]>();
  for (const [agent, recent] of recentBy) {
    const past = pastOf(agent);
    out.push(...messagesPerCycle(agent, past, recent, p, shared, new Cooldown(input.lastReported, cooledOver, p.cooldownMs)));
    out.push(...concurrentFanOuts(agent, fanOutsOf(agent), recent, p, shared, new Cooldown(input.lastReported, cooledOver, p.cooldownMs)));
  }
  return out;
}

/**
 * Each agent's earlier messages from `history`, in window order, without
 * the recent records. A record a cycle or more before the first recent
 * message is in no cycle a recent one is counted in, and no longer in flight
 * when it is sent: of history in time order only that tail is read.
 */
function pastFromHistory(input: CapsInput, recentBy: ReadonlyMap<string, readonly WindowRecord[]>, since: number): (agent: string) => readonly WindowRecord[] {
  const recentIds = new Set(input.recent.map((r) => r.recordId));
  const by = new Map<string, WindowRecord[]>();
  const from = input.historyInOrder && recentBy.size > 0 ? firstAfter(input.history, since) : 0;
  for (let i = from; i < input.history.length; i++) {
    const r = input.history[i]!;
    if (!isMessage(r) || !recentBy.has(r.agent) || recentIds.has(r.recordId)) continue;
    const list = by.get(r.agent);
    if (list) list.push(r);
    else by.set(r.agent, [r]);
  }
  if (!input.historyInOrder) for (const list of by.values()) list.sort(byTimeThenId);
  return (agent) => by.get(agent) ?? [];
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
  past: readonly WindowRecord[],
  recent: readonly WindowRecord[],
  p: CapsParams,
  shared: Finding["params"],
  cooldown: Cooldown,
): Finding[] {
  const out: Finding[] = [];
  const cycleOf = (at: number) => Math.floor(at / p.cycleMs);
  // Per cycle a recent record falls in: the earlier messages in it (a slice
  // of `past`, found by binary search and listed only for a finding) and the
  // recent ones so far.
  const cycles = new Map<number, { from: number; to: number; recent: string[] }>();
  const cycle = (c: number) => {
    let x = cycles.get(c);
    if (!x) cycles.set(c, (x = { from: firstAtOrAfter(past, c * p.cycleMs), to: firstAtOrAfter(past, (c + 1) * p.cycleMs), recent: [] }));
    return x;
  };
  const key = capKey(agent, "cap_messages_per_cycle");
  const words = (n: number, c: number) =>
    `${agent} sent ${fmt(n)} messages in the ${duration(p.cycleMs)} cycle from ${new Date(c * p.cycleMs).toISOString().slice(11, 19)} UTC (limit ${p.maxMessagesPerCycle})`;
  for (const r of recent) {
    const c = cycleOf(r.at);
    const x = cycle(c);
    x.recent.push(r.recordId);
    const count = x.to - x.from + x.recent.length;
    if (count <= p.maxMessagesPerCycle) continue;
    if (cooldown.cooling(key, r.at)) {
      const f = cooldown.over(key, r.recordId);
      // Same cycle: the finding's count follows the records it names.
      if (f && f.params.cycleStart === c * p.cycleMs) {
        f.params = { ...f.params, value: count };
        f.score = count / p.maxMessagesPerCycle;
        f.explanation = words(count, c);
      }
      continue;
    }
    // The records over the limit: the cycle's earlier messages past it, then the recent ones.
    const skip = x.from + p.maxMessagesPerCycle;
    const evidence = [...past.slice(Math.min(skip, x.to), x.to).map((h) => h.recordId), ...x.recent.slice(Math.max(0, skip - x.to))];
    out.push(
      cooldown.report(key, {
        detector: "cap_messages_per_cycle",
        recordId: r.recordId,
        agent,
        subject: "messages per cycle",
        score: count / p.maxMessagesPerCycle,
        explanation: words(count, c),
        params: { ...shared, value: count, cycleStart: c * p.cycleMs },
        evidence,
        at: r.at,
      }),
    );
  }
  return out;
}

/**
 * The fan-outs in flight past the limit, and those within it made from the
 * very same input as one of them (the same parents): a runaway agent's copies
 * of one message are one storm, and its first copies, still under the limit
 * when they were sent, are where it began. Clean fan-outs in flight beside
 * them, each made from its own input, are not named.
 */
function overWithCopies(open: readonly WindowRecord[], limit: number): string[] {
  const inputOf = (r: WindowRecord) => (r.parents && r.parents.length > 0 ? [...r.parents].sort().join("\u0000") : null);
  const inputs = new Set<string>();
  for (const r of open.slice(limit)) {
    const input = inputOf(r);
    if (input !== null) inputs.add(input);
  }
  return open.flatMap((r, i) => {
    const input = inputOf(r);
    return i >= limit || (input !== null && inputs.has(input)) ? [r.recordId] : [];
  });
}

function concurrentFanOuts(
  agent: string,
  fanOuts: readonly WindowRecord[],
  recent: readonly WindowRecord[],
  p: CapsParams,
  shared: Finding["params"],
  cooldown: Cooldown,
): Finding[] {
  const out: Finding[] = [];
  // In flight: fan-outs sent within the last cycleMs (two pointers over time); older ones landed before the first recent one.
  const inFlight: WindowRecord[] = recent.length > 0 ? fanOuts.slice(firstAfter(fanOuts, recent[0]!.at - p.cycleMs)) : [];
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
      evidence: overWithCopies(inFlight.slice(head), p.maxConcurrentFanOuts),
      at: r.at,
    }));
  }
  return out;
}
