// Agents feeding each other in a circle while a number grows: a quote that
// each side marks up, a retry budget that doubles, a refund that compounds,
// an order sized on last cycle's order read back from the books.
//
// A cycle is a strongly connected set of agents in the recent graph of who
// feeds whom: a message feeds its receivers, and a state write feeds every
// other agent that read that key in the window (ADR 0030: both chaos
// feedback loops run through shared state, so a graph of messages alone never
// closed them). The window is long (two hours by default): a loop grows by
// rounds, and rounds are minutes apart (a trading round every 5 minutes, a
// procurement cycle every 15).
//
// What grows is a series: one numeric field of one kind of record going
// around the cycle (a message intent, or a state key), split by the record's
// first short string field (the SKU, the symbol), since one intent carries
// several populations. A series grows when its latest values rise round after
// round, away from zero on one side, by at least `growth` overall, and
// faster at the end than at the start (a loop multiplies; a counter or a
// drift adds the same step each time).
//
// Where the loop entered (ADR 0035): the round most of the loop's rising
// series agree their rise began in, a rise beginning at its first risen value
// (not the clean value it rose from). A loop's first amplified record is
// often ordinary next to its neighbours (an order no larger than usual, a
// view a hair from zero); it is the record lineage must find as the origin,
// so the finding names every growing series' records from that round on,
// each series of the loop (each SKU's orders, each trader's view), not only
// the newest. One series alone would place it a round early when its clean
// values happened to rise into the loop, or late when its first amplified
// value did not rise. The vote is then checked as a change point (ADR 0046,
// loop-entry.ts): where most series rose by chance the round before, their
// values there fit noise better than the loop's growth traced back, and the
// entry moves to the round after. Where no round has two votes (rises spread
// over rounds), the change point is asked over all of them with the series
// judged by what their records read back through their parents (ADR 0048).
// Where the vote places the loop and its records carry the hashes of what
// they read outside it, records of one subject made from the same outside
// reads tell the entry first, by how much they weighed what they read back
// (loop-siblings.ts, ADR 0050): a market's drift moves them alike, the
// loop's gain does not. Where they cannot tell, records that were a fixed
// function of the state they read, and stopped being it, tell it next
// (loop-read-fit.ts, ADR 0054): a shared fall in stock moves restock orders
// the way the books say, the loop's first order does not.
import { z } from "zod";
import { stronglyConnected } from "../../lineage/strongly-connected.ts";
import { duration, fmt } from "./explain.ts";
import { dedupeWindow, firstAfter, mergeByTime, type DetectorWindow, type Finding, type WindowRecord } from "./finding.ts";
import { candidateRounds, loopEntry, type EntrySeries, type LoopEntry } from "./loop-entry.ts";
import { entryByReadFit } from "./loop-read-fit.ts";
import { entryBySiblings } from "./loop-siblings.ts";
import { numericFields } from "./numeric-fields.ts";
import { subjectOf } from "./subject.ts";
import type { LoopIndex, LoopWindowShape } from "./loop-index.ts";

export const FeedbackLoopParams = z.object({
  /** How far back a series's usual range reaches before its rise; the graph and the series reach twice as far back from the earliest record judged. */
  windowMs: z.number().int().positive().default(7_200_000),
  /** Records in a growth, from where it left its usual range to the latest. */
  minMessages: z.number().int().min(2).default(4),
  /** Latest value over the growth's first (in magnitude). */
  growth: z.number().gt(1).default(2),
  /** Each round of a growth at least this many times the one before: a loop multiplies every round. */
  minStep: z.number().gt(1).default(1.25),
});
export type FeedbackLoopParams = z.infer<typeof FeedbackLoopParams>;

const SEP = "\u0000";

/**
 * `kept`: the history's loop index, kept by the caller (the engine's history
 * cache) over exactly the window's history (its records in `shape`): when it
 * says nothing can be rising around a cycle, the window is not read.
 */
export function feedbackLoop(window: DetectorWindow, input: Partial<FeedbackLoopParams> = {}, kept?: { index: LoopIndex; shape: LoopWindowShape }): Finding[] {
  const p = FeedbackLoopParams.parse(input);
  const w = dedupeWindow(window);
  const { recent } = w;
  if (recent.length === 0) return [];
  if (kept && !kept.index.mayFind(recent, kept.shape, p)) return [];
  const history = w.history;
  const now = recent[recent.length - 1]!.at;
  // The window reaches back from the earliest record judged, not the latest,
  // and a series' usual range is the window before its rise: a pass that
  // judges several rounds at once (a drain, a slow engine) sees each round's
  // usual values, as a pass per round would, and a loop of rounds a quarter
  // of the window apart keeps its usual values as it grows.
  const since = recent[0]!.at - 2 * p.windowMs;
  // History is in time order: only its tail can be inside the window.
  const records = mergeByTime(history.slice(firstAfter(history, since)), recent).filter((r) => r.at > since && r.at <= now);
  const recentIds = new Set(recent.map((r) => r.recordId));
  // Records by id, for what a loop's records read back: built only when a loop grows.
  let ids: Map<string, WindowRecord> | null = null;
  const byId = (): ReadonlyMap<string, WindowRecord> => {
    if (ids === null) {
      ids = new Map();
      for (const r of records) if (!ids.has(r.recordId)) ids.set(r.recordId, r);
    }
    return ids;
  };

  const readers = new Map<string, Set<string>>();
  for (const r of records) {
    if (r.kind !== "state.read" || r.intent === null) continue;
    const set = readers.get(r.intent) ?? new Set<string>();
    set.add(r.agent);
    readers.set(r.intent, set);
  }
  /** Who a record feeds: a message's receivers, a state write's other readers. */
  const fed = (r: WindowRecord): readonly string[] => {
    if (r.kind === "message") return r.receivers;
    if (r.kind === "state.write" && r.intent !== null) return [...(readers.get(r.intent) ?? [])].filter((a) => a !== r.agent);
    return [];
  };
  const next = new Map<string, Set<string>>();
  for (const r of records) {
    const to = fed(r);
    const own = feedsItself(r, readers);
    if (to.length === 0 && !own) continue;
    const set = next.get(r.agent) ?? new Set<string>();
    for (const b of to) set.add(b);
    if (own) set.add(r.agent);
    next.set(r.agent, set);
  }
  const successors = (a: string) => [...(next.get(a) ?? [])].sort();
  const comps = stronglyConnected([...next.keys()].sort(), successors);

  const out: Finding[] = [];
  for (const members of comps.list) {
    const inside = new Set(members);
    const selfLoop = members.length === 1 && next.get(members[0]!)?.has(members[0]!) === true;
    if (members.length < 2 && !selfLoop) continue;
    // A loop of one agent runs through its own memory: the writes it reads back.
    const around = selfLoop ? records.filter((r) => r.agent === members[0] && (feedsItself(r, readers) || fed(r).includes(r.agent))) : records.filter((r) => inside.has(r.agent) && fed(r).some((to) => inside.has(to)));
    const best = growingField(around, recentIds, p, byId, selfLoop);
    if (!best || !best.records.some((r) => recentIds.has(r.recordId))) continue;
    // A loop of several agents is named by the others each feeds, not by an agent's own memory.
    const cycle = cycleThrough([...members].sort()[0]!, (a) => successors(a).filter((b) => inside.has(b) && (selfLoop || b !== a)));
    const last = best.records[best.records.length - 1]!;
    const spanMs = last.at - best.records[0]!.at;
    out.push({
      detector: "feedback_loop",
      recordId: last.recordId,
      agent: last.agent,
      subject: cycle.join(" -> "),
      score: best.growth,
      explanation:
        `feedback loop ${cycle.join(" -> ")}: ${fmt(best.records.length)} records in ${duration(Math.max(1000, Math.round(spanMs / 1000) * 1000))}, ` +
        `${best.path} grew ${fmt(best.first)} -> ${fmt(best.last)} (${fmt(best.growth)}x)${best.series > 1 ? ` in ${fmt(best.series)} series` : ""}` +
        entryWords(best.entryMoved, best.entryBy),
      params: { windowMs: p.windowMs, minMessages: p.minMessages, growth: p.growth, minStep: p.minStep, field: best.path, first: best.first, last: best.last, series: best.series, entryMoved: best.entryMoved, entryBy: best.entryBy },
      evidence: best.records.map((r) => r.recordId),
      at: last.at,
    });
  }
  return out;
}

/**
 * Whether a state write feeds its own writer: the agent reads the key back
 * (its memory of its last result), so a loop of one agent can close through
 * it (a change built on the last change, a value on its last value). In a
 * loop of several agents, a write feeds the others who read it.
 */
export function feedsItself(r: WindowRecord, readers: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  return r.kind === "state.write" && r.intent !== null && readers.get(r.intent)?.has(r.agent) === true;
}

interface Growing {
  /** The fastest-growing field, with the intent or state key it rode on. */
  path: string;
  /** Every growing series' records from the round the loop entered, in time order. */
  records: WindowRecord[];
  /** The fastest series' first value beyond its usual range and its latest, and their ratio. */
  first: number;
  last: number;
  growth: number;
  series: number;
  /** Rounds after the one its series' rises voted for that the loop entered (loopEntry); negative: before it (siblings, ADR 0053). */
  entryMoved: number;
  /**
   * What told the entry where the vote was not it: records made from the
   * same outside reads (ADR 0050, 0053), records that stopped being what
   * they read (ADR 0054), or the values' change point (ADR 0046).
   */
  entryBy: EntryBy;
}

/** Why the entry is not where the series' rises voted, in words; empty where it is. */
function entryWords(moved: number, by: EntryBy): string {
  if (moved === 0) return "";
  const rounds = `${fmt(Math.abs(moved))} round${Math.abs(moved) > 1 ? "s" : ""}`;
  if (by === "reads") {
    return moved < 0
      ? `; entered ${rounds} before its series first rose: from there its records stopped being what the state they read made of them as usual`
      : `; entered ${rounds} after its series first rose: before it its records were what the state they read made of them as usual (the values moved with what they read)`;
  }
  if (moved < 0) return `; entered ${rounds} before its series first rose: from there its records weighed what they read back at the loop's gain, values still the size of noise`;
  return by === "siblings"
    ? `; entered ${rounds} after its series first rose: before it its records weighed what they read back as usual (the values moved with what they read outside the loop)`
    : `; entered ${rounds} after its series first rose: the values before fit noise better than the growth traced back`;
}

/**
 * Every series around the cycle (by kind, intent or state key, path, first
 * string field) that grew as a loop grows. All of them are evidence: one
 * loop moves several fields (an order's quantity and its total, the books'
 * copy of it) and several series (each SKU's orders), and the upstream-most
 * of their first records is where the loop entered.
 *
 * The loop entered once, in one round, for all of them: each series votes
 * for the round its own rise started in (`loopOnset`), and every series is
 * evidence from the round most of them agree on. One series alone cannot
 * place it: a clean value that happened to rise just before the loop began
 * starts its rise a round early, and a first amplified value that did not
 * rise (a view amplified from noise, a value that crossed zero) a round late.
 */
function growingField(records: readonly WindowRecord[], recentIds: ReadonlySet<string>, p: FeedbackLoopParams, byId: () => ReadonlyMap<string, WindowRecord>, alone: boolean): Growing | null {
  const keyOf = seriesKeys(records);
  // Only a series a recent record moved can have a new growth to report.
  const moved = new Set<string>();
  for (const r of records) if (recentIds.has(r.recordId)) for (const e of seriesOf(r)) moved.add(keyOf(e));
  if (growing(seriesAround(records, moved, keyOf), p).length === 0) return null;
  // It did: every series of the loop votes for where it entered, not only
  // those this pass moved, and not only those grown far enough to report:
  // the first series to qualify (the SKU ordered first in the round) would
  // otherwise place the loop alone, a round early when its clean values
  // happened to rise into it. A series rising for `minMessages - 1` rounds votes.
  const around = seriesAround(records, null, keyOf);
  const all = growing(around, p);
  let best: Growing | null = null;
  for (const g of all) if (!best || g.growth > best.growth) best = { path: g.field, records: [], first: g.values[g.beyond]!, last: g.values.at(-1)!, growth: g.growth, series: 0, entryMoved: 0, entryBy: "values" };
  if (!best) return null;
  // A series may arrive with holes where it grew (ADR 0040): a caller that
  // keeps named records out of this window (the engine no longer does, ADR
  // 0042), or records aged out of the history. A rise that follows a hole
  // began in it; a series past `growth` times its range carries the loop
  // however few of its values are left (it may never show `minMessages` of
  // them beyond its range at once).
  const grown = new Set(all.map((g) => g.records));
  const rising: { at: number[]; values: number[]; rise: number; series: Series }[] = [];
  const carrying: { series: Series; rise: number; grown: boolean }[] = [];
  // Series of the loop that began rising too recently to vote (fewer rounds than a vote needs).
  const youngSeries: Series[] = [];
  for (const s of around) {
    const rise = riseStart(s.values, p.minStep);
    if (rise === null) continue;
    const at = s.records.map((r) => r.at);
    // A counter never goes down: across a hole it jumps, and would vote for it.
    if (!fellOnce(s.values)) continue;
    if (!risingFor(at, rise, p.minMessages - 1)) {
      youngSeries.push(s);
      continue;
    }
    rising.push({ at, values: s.values, rise, series: s });
    if (grown.has(s.records) || outgrewRange(s.values, at, rise, p)) carrying.push({ series: s, rise, grown: grown.has(s.records) });
  }
  // A lone rising series places a loop of one series. Beside series that
  // began rising since (ADR 0054), it is the loop's first to show, and a
  // clean value of its own that rose the round before (a market's jump)
  // would place the loop there: this pass names only what it judges, and a
  // later one, with their votes, places the entry. So with rises spread
  // over rounds (below).
  // Another field of the rising series' own records (a setting beside a change's size) began with them: one that rose only lately rose by chance, not by the loop.
  const risingRecords = new Set(rising.flatMap((r) => r.series.records));
  const young = youngSeries.filter((s) => !s.records.every((r) => risingRecords.has(r))).length;
  const voted = rising.length === 1 && young > 0 ? null : loopOnset(rising);
  // The vote names the round most of the loop's series began rising in; the
  // change point (loopEntry, ADR 0046) moves it later where their values
  // there are noise next to the growth traced back (a chance rise).
  const half = halfRound(rising);
  // Where the rises are spread over rounds (no round with two votes), the
  // loop's series are judged by what they read back (ADR 0048); a window
  // without the reads of some of them cannot place it there: a fuller one did.
  // Spread rises are judged over every series' vote: not while some of the loop's are too young to cast one.
  const entry = voted !== null ? votedEntry(rising, voted + half, half, p.windowMs, byId, alone) : rising.length >= 2 && young === 0 ? spreadEntry(withReadBack(rising, byId()), half, p.windowMs) : null;
  const onset = entry?.unread ? null : entry ? entry.round - half : voted;
  // Where no round has two votes (one, for a loop of one series), this pass
  // cannot place the entry: its earlier passes saw more. It names only what it judges.
  let from = onset ?? Number.POSITIVE_INFINITY;
  if (onset === null) for (const r of records) if (recentIds.has(r.recordId)) from = Math.min(from, r.at);
  // Only the series that carry the loop are evidence: a series still within
  // its range may hold a clean record of the round, upstream of the loop's
  // first records (the books' tick written at the start of the round: last
  // round's order, the stock it left). So one that carries the loop only by
  // its latest values (the others named and gone) is evidence from that
  // round where its values rose, a quarter further out as riseStart counts.
  const evidence = new Set<WindowRecord>();
  for (const c of carrying) {
    const { records: rs, values } = c.series;
    const sign = Math.sign(values[values.length - 1]!);
    for (let i = 0; i < rs.length; i++) if (rs[i]!.at >= from && (c.grown || i >= c.rise || (i > 0 && rose(values, i, sign, p.minStep)))) evidence.add(rs[i]!);
  }
  return { ...best, series: all.length, records: [...evidence].sort((a, b) => a.at - b.at), entryMoved: entry?.moved ?? 0, entryBy: entry?.by ?? "values" };
}

/** Where the loop entered, given the round its rises voted for. */
type Entry = Pick<LoopEntry, "round" | "moved" | "unread"> & { by?: EntryBy };
type EntryBy = "siblings" | "reads" | "values";

/** The vote's round and the two after it: by its values, a vote a round early moves, never earlier. */
const VOTED_ROUNDS = 3;
/**
 * Rounds before the vote's, and after the two that follow it, the siblings
 * may place the entry in (ADR 0053): a vote rounds late or rounds early.
 */
const EARLIER_ROUNDS = 3;
const LATER_ROUNDS = 3;

/**
 * Where a loop entered among the vote's round and the two after it: told by
 * records made from the same outside reads where the loop's records carry
 * them (ADR 0050: a market's drift before the loop moved them alike), else
 * by records that were what the state they read made of them until the
 * loop (ADR 0054: a shared fall in stock raised every order as the books
 * said), else the change point between noise and the growth traced back
 * (ADR 0046).
 *
 * A vote can be rounds off either way (ADR 0053). A loop whose first rounds
 * were the size of noise (a gain on views a hair from zero) rises late: its
 * series' rises vote rounds after it entered, and the rounds before the
 * vote's already hold the loop. Views that drifted the loop's way with the
 * market for rounds before it vote rounds early. So the siblings are asked
 * first from `EARLIER_ROUNDS` before the vote's round to `LATER_ROUNDS`
 * after the two that follow it: what the records made of what they read
 * back shows the gain from its first round, whatever the values' size or
 * drift. Where they cannot tell there (a round before the entry whose
 * read-backs hardly differ), they are asked among the vote's round and the
 * two after, as before. The read fit asks over the same nine rounds: a
 * departure from what a record read is as telling before the vote as after
 * it. The change point, which reads values, stays at the vote's round and
 * the two after.
 */
function votedEntry(rising: readonly (EntrySeries & { series: Series })[], voted: number, half: number, windowMs: number, byId: () => ReadonlyMap<string, WindowRecord>, alone: boolean): Entry | null {
  const near = candidateRounds(rising, voted, half, VOTED_ROUNDS);
  const wide = near && candidateRounds(rising, voted - EARLIER_ROUNDS * 2 * half, half, EARLIER_ROUNDS + VOTED_ROUNDS + LATER_ROUNDS);
  // Moved counts rounds from the vote's: negative before it.
  const fromVote = (rounds: readonly number[], moved: number) => {
    const votedAt = rounds.findIndex((r) => r >= voted - half);
    return moved - (votedAt < 0 ? rounds.length : votedAt);
  };
  if (rising.length >= 2 && near) {
    const sibs = withReadBack(rising, byId());
    const far = wide && entryBySiblings(sibs, wide, half, windowMs);
    if (wide && far) return { round: far.round, moved: fromVote(wide, far.moved), unread: 0, by: "siblings" };
    const siblings = entryBySiblings(sibs, near, half, windowMs);
    if (siblings) return { round: siblings.round, moved: siblings.moved, unread: 0, by: "siblings" };
  }
  // Records that were what they read, and stopped (ADR 0054): over the same rounds as the siblings.
  const fit = wide && entryByReadFit(withStateRead(rising, byId()), wide, half, windowMs);
  if (wide && fit) return { round: fit.round, moved: fromVote(wide, fit.moved), unread: 0, by: "reads" };
  // A loop of one agent (ADR 0055) is judged by what each record made of the last value it read back:
  // a clean value that rose by chance owes nothing to it, the loop's first owes its size to it.
  return loopEntry(alone ? withReadBack(rising, byId()) : rising, voted, half, windowMs, VOTED_ROUNDS);
}

/** Candidate rounds the change point may weigh where the rises are spread: two hours of five-minute rounds. */
const SPREAD_ROUNDS = 24;

/**
 * Where a loop entered when its rises began in different rounds, no round
 * with two of them (ADR 0048): a series that drifted towards the loop's
 * side for rounds before it and one whose first amplified value fell start
 * their rises far apart. The change point is asked over every round from
 * the earliest rise to the round after the latest, and trusted only when
 * every series is judged by what it read back: the loop's growth traced
 * back in time lies on such a drift as well as on the loop's first round
 * (ADR 0046), what a record made of what it read does not. Null otherwise.
 */
function spreadEntry(rising: readonly (EntrySeries & { rise: number })[], half: number, windowMs: number): Entry | null {
  if (!(half > 0)) return null;
  const starts = rising.map((s) => riseTime(s.at, s.rise));
  const earliest = Math.min(...starts);
  const rounds = Math.round((Math.max(...starts) - earliest) / (2 * half)) + 2;
  if (rounds > SPREAD_ROUNDS) return null;
  const entry = loopEntry(rising, earliest, half, windowMs, rounds);
  return entry && (entry.unread > 0 || (entry.readBack === entry.series && entry.series === rising.length)) ? entry : null;
}

/**
 * The rising series with what each value's record read back of the others
 * (ADR 0048): the mean of the values, in a rising series of the same path,
 * of the records it was made from, a parent read followed to the write it
 * saw (a view made from the peers' views it read; an order is made from the
 * books' last order, another path, and reads back nothing here). Null where
 * a record read none, or carries no parents; NaN where the window lacks the
 * write a read of a loop key names (readBackOf).
 */
function withReadBack<T extends { series: Series }>(rising: readonly T[], byId: ReadonlyMap<string, WindowRecord>): (T & { readBack: (number | null)[]; outside: (string | null)[] })[] {
  const keys = new Set(rising.map((r) => r.series.key));
  // The state keys the loop's series are written to: a read of one whose write the window lacks leaves a read-back unknown.
  const loopKeys = new Set<string>();
  for (const r of rising) for (const rec of r.series.records) if (rec.kind === "state.write" && rec.intent !== null) loopKeys.add(rec.intent);
  return rising.map((r) => ({
    ...r,
    readBack: r.series.records.map((rec) => readBackOf(rec, r.series.path, keys, loopKeys, byId)),
    outside: r.series.records.map((rec) => outsideOf(rec, loopKeys, byId)),
  }));
}

/**
 * What `r` was made from outside the loop, as one key (ADR 0050): its
 * subject (the first string field: the symbol) and each parent outside the
 * loop, a read as its key and the hash of what it read (two reads of one
 * feed version read the same), anything else by its id. Null where it was
 * made from nothing outside the loop, from a read without a hash, or from a
 * parent the window does not hold. Records with one key got the same
 * outside part. Pure, for tests.
 */
export function outsideOf(r: WindowRecord, loopKeys: ReadonlySet<string>, byId: ReadonlyMap<string, WindowRecord>): string | null {
  const parts: string[] = [];
  for (const id of r.parents ?? []) {
    const parent = byId.get(id);
    if (!parent) return null;
    if (parent.kind === "state.read") {
      if (parent.intent !== null && loopKeys.has(parent.intent)) continue;
      const hash = (parent.payload as { sha256?: unknown } | undefined)?.sha256;
      if (typeof hash !== "string" || hash === "") return null;
      parts.push(`${parent.intent ?? ""}${SEP}${hash}`);
    } else if (!(parent.kind === "state.write" && parent.intent !== null && loopKeys.has(parent.intent))) {
      parts.push(parent.recordId);
    }
  }
  return parts.length === 0 ? null : [firstToken(r.payload), ...parts.sort()].join(SEP);
}

/**
 * What `r` read back of the loop's series (`keys`) of its path, directly or
 * through a read of a write: their mean; null when none; NaN when it read a
 * loop key (`loopKeys`) and the window holds none of what that read names
 * (the write it saw older than the window holds: a mean of the rest would
 * be a different number). Pure, for tests.
 */
export function readBackOf(r: WindowRecord, path: string, keys: ReadonlySet<string>, loopKeys: ReadonlySet<string>, byId: ReadonlyMap<string, WindowRecord>): number | null {
  let sum = 0;
  let count = 0;
  let lacking = false;
  const take = (src: WindowRecord | undefined) => {
    if (!src || src === r || (src.kind !== "message" && src.kind !== "state.write")) return;
    for (const e of seriesOf(src)) {
      if (e.path !== path || !(keys.has(e.key) || keys.has(unsplitKey(e)))) continue;
      sum += e.value;
      count++;
    }
  };
  for (const id of r.parents ?? []) {
    const parent = byId.get(id);
    if (parent?.kind !== "state.read") {
      take(parent);
      continue;
    }
    const seen = seenBy(parent, byId);
    for (const x of seen.found) take(x);
    if (seen.unknown && parent.intent !== null && loopKeys.has(parent.intent)) lacking = true;
  }
  return lacking ? Number.NaN : count === 0 ? null : sum / count;
}

/**
 * What a state read names among its parents, as the window holds them: a
 * read names the write it saw beside the request it served. `unknown` where
 * the window lacks some of them and holds no write of the read's key: what
 * it read is not known here.
 */
function seenBy(read: WindowRecord, byId: ReadonlyMap<string, WindowRecord>): { found: WindowRecord[]; unknown: boolean } {
  const found: WindowRecord[] = [];
  let held = false;
  let missing = false;
  for (const id of read.parents ?? []) {
    const parent = byId.get(id);
    if (!parent) {
      missing = true;
      continue;
    }
    found.push(parent);
    if (parent.kind === "state.write" && parent.intent === read.intent) held = true;
  }
  return { found, unknown: missing && !held };
}

/** The rising series with the numbers each value's record read of shared state (stateReadOf), for the read fit (ADR 0054). */
function withStateRead<T extends { series: Series }>(rising: readonly T[], byId: ReadonlyMap<string, WindowRecord>): (T & { at: readonly number[]; values: readonly number[]; read: (Map<string, number> | null)[] })[] {
  return rising.map((r) => ({ ...r, at: r.series.records.map((rec) => rec.at), values: r.series.values, read: r.series.records.map((rec) => stateReadOf(rec, byId)) }));
}

/**
 * The numbers `r` read of shared state: each parent read followed to the
 * write it saw, that write's numeric fields, named by the read's key and
 * the field's path. Null where a read names a write the window does not
 * hold. Pure, for tests.
 */
export function stateReadOf(r: WindowRecord, byId: ReadonlyMap<string, WindowRecord>): Map<string, number> | null {
  const out = new Map<string, number>();
  for (const id of r.parents ?? []) {
    const read = byId.get(id);
    if (read?.kind !== "state.read") continue;
    const seen = seenBy(read, byId);
    if (seen.unknown) return null;
    for (const write of seen.found) {
      if (write.kind !== "state.write" || write.intent !== read.intent) continue;
      for (const [path, values] of numericFields(write.payload)) out.set(`${read.intent ?? ""}${SEP}${path}`, values[0]!);
    }
  }
  return out;
}

interface Series {
  key: string;
  field: string;
  /** The field's path in the payload (`value`, `qty`): what a record reads back of another series. */
  path: string;
  records: WindowRecord[];
  values: number[];
}

/** The series of `records` (only those keyed in `only`, when given), in time order, keyed by `keyOf` (seriesKeys). */
function seriesAround(records: readonly WindowRecord[], only: ReadonlySet<string> | null, keyOf: (e: SeriesEntry) => string): Series[] {
  const series = new Map<string, Series>();
  for (const r of records) {
    for (const e of seriesOf(r)) {
      const key = keyOf(e);
      if (only && !only.has(key)) continue;
      const s = series.get(key) ?? { key, field: e.field, path: e.path, records: [], values: [] };
      s.records.push(r);
      s.values.push(e.value);
      series.set(key, s);
    }
  }
  return [...series.values()];
}

/**
 * Each series entry's key in `records`: its own (split by the record's first
 * short string field), except where that field never repeats among the
 * field's records there. A symbol or a SKU names a population a loop runs
 * in, and recurs round after round; a ticket or a task id names one piece of
 * work, so a loop of one agent building each change on its last (a new
 * ticket every round) is one series, not one series per ticket.
 */
export function seriesKeys(records: readonly WindowRecord[]): (e: SeriesEntry) => string {
  const tokens = new Map<string, Set<string>>();
  const repeats = new Set<string>();
  for (const r of records) {
    for (const e of seriesOf(r)) {
      if (e.key === unsplitKey(e)) continue;
      const seen = tokens.get(e.field) ?? tokens.set(e.field, new Set()).get(e.field)!;
      if (seen.has(e.key)) repeats.add(e.field);
      else seen.add(e.key);
    }
  }
  return (e) => (repeats.has(e.field) || !tokens.has(e.field) ? e.key : unsplitKey(e));
}

/** A series entry's key without its split: its field's. */
export function unsplitKey(e: SeriesEntry): string {
  return `${e.field}${SEP}`;
}

function growing(series: readonly Series[], p: FeedbackLoopParams): (Series & { from: number; beyond: number; growth: number })[] {
  const out: (Series & { from: number; beyond: number; growth: number })[] = [];
  for (const s of series) {
    const g = growthOf(s.values, p, s.records.map((r) => r.at));
    if (g) out.push({ ...s, ...g });
  }
  return out;
}

/**
 * When a loop entered, from its rising series: each one's record times and
 * the index its rise started at; null when no round can be told. A round is
 * half a series' usual gap either side (the median over the series of the
 * median time between their records): the rise starts (riseTime) are
 * grouped into rounds, the round with the most of them wins (the earliest of
 * equals), and the loop entered half a round before its first. A round
 * needs two of them, unless a single series rises: one series alone places a
 * round early when its clean values happened to rise into the loop, and a
 * later pass may see only that one (the others' values named and gone).
 * Pure, for tests.
 */
export function loopOnset(series: readonly { at: readonly number[]; rise: number }[]): number | null {
  const half = halfRound(series);
  const starts = series.map((s) => riseTime(s.at, s.rise)).sort((a, b) => a - b);
  let bestStart: number | null = null;
  let bestCount = Math.min(2, series.length) - 1;
  for (let i = 0; i < starts.length; ) {
    let j = i + 1;
    while (j < starts.length && starts[j]! - starts[j - 1]! <= half) j++;
    if (j - i > bestCount) {
      bestCount = j - i;
      bestStart = starts[i]!;
    }
    i = j;
  }
  return bestStart === null ? null : bestStart - half;
}

/** Half a round: half the median over the series of their usual gaps. */
function halfRound(series: readonly { at: readonly number[] }[]): number {
  const gaps = series.map((s) => usualGap(s.at)).filter((g) => g > 0);
  return gaps.length === 0 ? 0 : median(gaps) / 2;
}

/** The median time between a series' records. */
function usualGap(at: readonly number[]): number {
  return median(at.slice(1).map((t, i) => t - at[i]!));
}

/**
 * When a series' rise began: its first risen value's time, or, when the
 * series misses rounds just before it (more than 1.5 usual gaps since the
 * value before), the first round missing: the engine keeps records a
 * finding named out of later windows, and the rise was under way by then.
 */
export function riseTime(at: readonly number[], rise: number): number {
  const t = at[rise]!;
  const before = at[rise - 1];
  if (before === undefined) return t;
  const gap = usualGap(at);
  return gap > 0 && t - before > 1.5 * gap ? before + gap : t;
}

/** Whether a series ever went down: one that never did is a counter or a clock, whatever its steps. */
function fellOnce(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i]! < values[i - 1]!) return true;
  return false;
}

/** Whether a rise began `rounds - 1` usual gaps or more before the series' latest value (a series without holes: `rounds` values). */
function risingFor(at: readonly number[], rise: number, rounds: number): boolean {
  if (at.length - rise >= rounds) return true;
  const gap = usualGap(at);
  return gap > 0 && at[at.length - 1]! - riseTime(at, rise) >= (rounds - 1.5) * gap;
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface SeriesEntry {
  key: string;
  field: string;
  path: string;
  value: number;
}

/** Records outlive a pass in the engine's history cache: their series are worked out once. */
const seriesMemo = new WeakMap<WindowRecord, readonly SeriesEntry[]>();

/** The series a record's numbers belong to: kind, intent or state key, path, and the first string field. */
export function seriesOf(r: WindowRecord): readonly SeriesEntry[] {
  const memo = seriesMemo.get(r);
  if (memo) return memo;
  const split = firstToken(r.payload);
  const topic = r.kind === "state.write" ? `state ${r.intent ?? ""}` : (r.intent ?? r.kind);
  const out: SeriesEntry[] = [];
  for (const [path, values] of numericFields(r.payload)) {
    const field = `${topic} ${path === "" ? "(payload)" : path}`;
    out.push({ key: `${field}${SEP}${split}`, field, path, value: values[0]! });
  }
  seriesMemo.set(r, out);
  return out;
}

/**
 * Whether a series' latest values grew as a loop grows, by how much, and
 * where the rise started (the index of its first risen value); null when
 * they did not.
 *
 * The growth is judged on one side of zero: each value `minStep` times
 * further out than the one before, at least `minMessages` of them beyond
 * anything the series held before (its usual range, which needs as many
 * values of its own), `growth` times over, faster at the end than at the
 * start. Where the rise started is then walked back from the end on a
 * looser rule: a value rose when it moved in the growth's direction by a
 * quarter of the one before's magnitude, across zero too (a view amplified
 * from noise often starts on the other side), and its first risen value is
 * the start, not the value it rose from: that one is the last before the loop.
 */
export function growthOf(
  values: readonly number[],
  p: Pick<FeedbackLoopParams, "minMessages" | "growth" | "minStep" | "windowMs">,
  at?: readonly number[],
): { from: number; beyond: number; growth: number } | null {
  const n = values.length;
  if (n < 2 * p.minMessages) return null;
  const sign = Math.sign(values[n - 1]!);
  if (sign === 0) return null;
  // A field that never went down in the window is a counter or a clock, whatever its steps.
  if (!fellOnce(values)) return null;
  const mag = (i: number) => Math.abs(values[i]!);
  // The latest rise on the growth's side of zero, counted from its first value beyond the usual range.
  let beyond = n - 1;
  while (beyond > 0 && Math.sign(values[beyond - 1]!) === sign && mag(beyond - 1) * p.minStep <= mag(beyond)) beyond--;
  // The usual range is what the series held in the window before the rise
  // (given times): older values say nothing of what is usual now (a fleet's
  // first orders restock from scratch), and a window that ends at the batch's
  // newest record would lose a slow loop's usual values as the loop goes on.
  let first = 0;
  if (at) while (first < beyond && at[first]! <= at[beyond]! - p.windowMs) first++;
  let usual = 0;
  for (let i = first; i < beyond; i++) usual = Math.max(usual, mag(i));
  while (beyond < n && mag(beyond) <= usual) beyond++;
  if (beyond - first < p.minMessages || n - beyond < p.minMessages) return null;
  // Grown `growth` times over its first value beyond the range and over anything the series held before:
  // near zero, a small value doubling twice is noise within the range.
  const growth = mag(n - 1) / mag(beyond);
  if (!(growth >= p.growth) || !(mag(n - 1) >= p.growth * usual)) return null;
  // A loop multiplies: its last step is larger than its first. A drift adds the same step.
  if (!(mag(n - 1) - mag(n - 2) > mag(beyond + 1) - mag(beyond))) return null;
  return { from: riseStart(values, p.minStep)!, beyond, growth };
}

/**
 * Whether a series rising from index `rise` (riseStart) is past `growth`
 * times its usual range: its latest value against the largest magnitude it
 * held in the `windowMs` before the rise (at least `minMessages` values of
 * it). Unlike growthOf, however few of its values the window holds beyond
 * the range. Pure, for tests.
 */
export function outgrewRange(
  values: readonly number[],
  at: readonly number[],
  rise: number,
  p: Pick<FeedbackLoopParams, "minMessages" | "growth" | "windowMs">,
): boolean {
  let usual = 0;
  let held = 0;
  for (let i = 0; i < rise; i++) {
    if (at[i]! <= at[rise]! - p.windowMs) continue;
    usual = Math.max(usual, Math.abs(values[i]!));
    held++;
  }
  return held >= p.minMessages && usual > 0 && Math.abs(values[values.length - 1]!) >= p.growth * usual;
}

/**
 * The index of the first risen value of a series' latest rise; null when its
 * latest value did not rise. A value rose when it moved in the direction of
 * the latest value's sign by `minStep - 1` of the one before's magnitude:
 * on that side of zero, `minStep` times the one before; from the other side,
 * across zero or a quarter of the way towards it.
 */
export function riseStart(values: readonly number[], minStep: number): number | null {
  const n = values.length;
  const sign = Math.sign(values[n - 1] ?? 0);
  if (n < 2 || sign === 0) return null;
  if (!rose(values, n - 1, sign, minStep)) return null;
  let from = n - 1;
  while (from > 1 && rose(values, from - 1, sign, minStep)) from--;
  return from;
}

/** Whether `values[i]` moved in the direction of `sign` by `minStep - 1` of the one before's magnitude. */
function rose(values: readonly number[], i: number, sign: number, minStep: number): boolean {
  const step = sign * (values[i]! - values[i - 1]!);
  return step > 0 && step >= (minStep - 1) * Math.abs(values[i - 1]!);
}

/** The payload's subject as `field=value` (`sku=A-100`, `symbol=AAA`): what splits a field into series. */
function firstToken(payload: unknown): string {
  const s = subjectOf(payload);
  return s === null ? "" : `${s.field}=${s.value}`;
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
