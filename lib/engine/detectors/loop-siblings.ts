// Where a feedback loop entered, told by records made from the same outside
// read (ADR 0050).
//
// A loop's record is made from what it read outside the loop (a market
// feed) and what it read back of the loop (its peers' views). Its value
// alone cannot say how much of it came from which: a market that drifts
// for a round or two before the loop carries the views towards the loop's
// side as the loop's first round does (ADR 0046, 0048). Two records of one
// subject (the same first string field: one symbol) made from the very same
// outside reads (each read's key and the hash of what it read) got the same
// outside part, whatever it was: their difference is all what each made of
// what it read back. Within such a group the values' spread over the
// read-backs' spread is the weight the agents gave what they read that
// round: the noise regime's damping before the loop, the loop's gain from
// its first round on, to the rounding of the values.
//
// The weight before the candidate rounds is fitted through every group there
// (least squares through zero, each group about its own means), and the
// residual it leaves (a degree of freedom) is the unit of what follows: two
// sets of groups weigh apart when their fitted weights differ by three
// deviations of that difference (each weight known to the residual over its
// read-backs' spread: a weight fitted to large read-backs is known finely,
// one fitted to read-backs that hardly differ is not known at all). The
// entry is the first candidate round that weighs clearly more than the
// rounds before the candidates; the loop's gain is fitted through the
// groups from there on, and the candidate round just before the entry must
// weigh clearly less than that gain, as must every earlier one that can be
// weighed (ADR 0054): a loop persists, so a round that was clearly not the
// loop's rules out the rounds before it, and an earlier round whose
// read-backs hardly differ (two traders who read back the same views) says
// nothing either way. Anything less (no groups, a round just before the
// entry whose read-backs do not differ, a gain no larger than the weight)
// answers nothing: the change point judges as before.
//
// The same groups tell the evaluator whether a deviating record's outside
// read explains it (siblingsSay, ADR 0050): not where its round's group
// weighs clearly more than the groups before.

/** A rising series of the loop, with what each value's record read back and the outside reads it was made from. */
export interface SiblingSeries {
  at: readonly number[];
  values: readonly number[];
  /** Per value, its read-back (loop-entry's EntrySeries.readBack): null or NaN where unknown. */
  readBack: readonly (number | null)[];
  /**
   * Per value, what its record was made from outside the loop, as one key
   * (its subject and each outside read's key and content hash); null where
   * it read nothing outside the loop, or a read without a hash.
   */
  outside: readonly (string | null)[];
}

export interface SiblingEntry {
  /** The first round of the loop: the earliest record time of that round. */
  round: number;
  /** Candidate rounds before it (0: the first candidate). */
  moved: number;
  /** The weight on what was read back before the candidates, and the loop's gain from the entry on. */
  weight: number;
  gain: number;
}

/** Two weights are apart when their squared difference is this many times its variance: three deviations. */
const CLEAR = 9;
/** Groups before the candidates the weight and its residual are fitted to, at least. */
const FITTED = 3;

interface Group {
  /** The outside reads its records share. */
  key: string;
  at: number;
  /** Sums over the group's members about its means: read-back squared, value times read-back, value squared. */
  rr: number;
  vr: number;
  vv: number;
  /** Members less one: what the residual's degrees of freedom count. */
  free: number;
}

/**
 * The loop's entry among `rounds` (candidate round starts, in order, each
 * `half` either side at most), judged by groups of records made from the
 * same outside reads (`windowMs` before the first candidate for the
 * weight); null where the groups cannot tell. Pure.
 */
export function entryBySiblings(series: readonly SiblingSeries[], rounds: readonly number[], half: number, windowMs: number): SiblingEntry | null {
  if (rounds.length < 2) return null;
  const groups = groupsOf(series);
  const first = rounds[0]!;
  const end = rounds[rounds.length - 1]! + half;
  const usual = noiseRegime(groups.filter((g) => g.at < first - half && g.at >= first - windowMs));
  if (usual === null) return null;
  const { weight, noise } = usual;
  const before = groups.filter((g) => g.at < first - half && g.at >= first - windowMs);
  const inRound = (c: number) => {
    const from = rounds[c]!;
    const to = c + 1 < rounds.length ? rounds[c + 1]! : end;
    return groups.filter((g) => g.at >= from && g.at < to);
  };
  // The entry: the first round whose own weight is clearly larger than the noise regime's.
  let entry = -1;
  for (let c = 0; c < rounds.length && entry < 0; c++) {
    if (apart(inRound(c), before, noise)) entry = c;
  }
  if (entry < 0) return null;
  // The loop's gain, from its first round on; each round before must be clearly not the gain's.
  const loop = groups.filter((g) => g.at >= rounds[entry]!);
  const gain = slope(loop);
  if (gain === null || !(gain > weight)) return null;
  for (let c = 0; c < entry; c++) {
    const round = inRound(c);
    if (apart(loop, round, noise)) continue;
    if (c < entry - 1 && !canTell(gain - weight, loop, round, noise)) continue;
    return null;
  }
  return { round: rounds[entry]!, moved: entry, weight, gain };
}

/**
 * What the records of `series` made from the same outside reads as the value
 * at `index` of `series[at]` say of it (ADR 0050):
 * - `read-back`: they weighed what they read back clearly more than such
 *   records did in the `windowMs` before: its departure owes itself to what
 *   it read back, not to the outside reads it shares with them;
 * - `outside`: they did not, or it has never had such siblings: the outside
 *   reads may explain it;
 * - `awaiting`: it has no sibling yet, though its series had some in the
 *   rounds before (they come later in the round).
 * Pure.
 */
export function siblingsSay(series: readonly SiblingSeries[], at: number, index: number, windowMs: number): "read-back" | "outside" | "awaiting" {
  const key = series[at]?.outside[index];
  const time = series[at]?.at[index];
  if (key == null || time === undefined) return "outside";
  const groups = groupsOf(series);
  const own = groups.filter((g) => g.key === key);
  const before = groups.filter((g) => g.at < time && g.at >= time - windowMs && g.key !== key);
  if (own.length === 0) {
    // The series' own earlier values in a group: it usually has siblings.
    const mine = new Set<string>();
    const s = series[at]!;
    for (let i = 0; i < index; i++) if (s.outside[i] != null && s.at[i]! >= time - windowMs) mine.add(s.outside[i]!);
    return before.some((g) => mine.has(g.key)) ? "awaiting" : "outside";
  }
  const usual = noiseRegime(before);
  return usual !== null && apart(own, before, usual.noise) ? "read-back" : "outside";
}

/** The weight the groups gave what they read back, and the squared residual it leaves a degree of freedom; null with fewer than FITTED groups, or none left. */
function noiseRegime(groups: readonly Group[]): { weight: number; noise: number } | null {
  const weight = slope(groups);
  if (weight === null || groups.length < FITTED) return null;
  let free = 0;
  let sq = 0;
  for (const g of groups) {
    sq += residual(g, weight);
    free += g.free;
  }
  const noise = free > 1 ? sq / (free - 1) : 0;
  return noise > 0 ? { weight, noise } : null;
}

/**
 * Whether `more` weighed what it read back clearly more than `less` did:
 * the difference of their fitted weights against its deviation (each weight
 * known to the residual `noise` over its read-backs' spread), by CLEAR. A
 * side whose read-backs do not differ cannot be told.
 */
function apart(more: readonly Group[], less: readonly Group[], noise: number): boolean {
  const hi = slope(more);
  const lo = slope(less);
  if (hi === null || lo === null || !(hi > lo)) return false;
  return (hi - lo) ** 2 / (noise * (1 / spread(more) + 1 / spread(less))) > CLEAR;
}

/**
 * Whether two sets of groups whose weights differ by `difference` could be
 * told apart: false where one side's read-backs hardly differ (or it has
 * none), so that no weight it could have had would be clear.
 */
function canTell(difference: number, a: readonly Group[], b: readonly Group[], noise: number): boolean {
  const sa = spread(a);
  const sb = spread(b);
  return sa > 0 && sb > 0 && difference ** 2 / (noise * (1 / sa + 1 / sb)) > CLEAR;
}

/** The groups' read-backs' squared spread about their own means. */
function spread(groups: readonly Group[]): number {
  return groups.reduce((a, g) => a + g.rr, 0);
}

/** Values whose records share their outside reads, from two series or more, each group about its own means. */
function groupsOf(series: readonly SiblingSeries[]): Group[] {
  const members = new Map<string, { at: number; v: number; r: number; s: number }[]>();
  series.forEach((s, si) => {
    for (let i = 0; i < s.values.length; i++) {
      const key = s.outside[i];
      const r = s.readBack[i];
      if (key == null || r == null || !Number.isFinite(r) || !Number.isFinite(s.values[i]!)) continue;
      const list = members.get(key) ?? members.set(key, []).get(key)!;
      list.push({ at: s.at[i]!, v: s.values[i]!, r, s: si });
    }
  });
  const out: Group[] = [];
  for (const [key, list] of members) {
    if (new Set(list.map((m) => m.s)).size < 2) continue;
    const mv = list.reduce((a, m) => a + m.v, 0) / list.length;
    const mr = list.reduce((a, m) => a + m.r, 0) / list.length;
    const g: Group = { key, at: Math.min(...list.map((m) => m.at)), rr: 0, vr: 0, vv: 0, free: list.length - 1 };
    for (const m of list) {
      g.rr += (m.r - mr) ** 2;
      g.vr += (m.v - mv) * (m.r - mr);
      g.vv += (m.v - mv) ** 2;
    }
    out.push(g);
  }
  return out;
}

/** The weight through zero that best explains the groups' spreads; null when their read-backs do not differ. */
function slope(groups: readonly Group[]): number | null {
  let rr = 0;
  let vr = 0;
  for (const g of groups) {
    rr += g.rr;
    vr += g.vr;
  }
  return rr > 0 ? vr / rr : null;
}

/** A group's squared residual about its means with `weight` on what it read back. */
function residual(g: Group, weight: number): number {
  return Math.max(0, g.vv - 2 * weight * g.vr + weight * weight * g.rr);
}
