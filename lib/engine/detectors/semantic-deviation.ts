// Is a number in a payload far from what this agent usually sends for this
// intent and field? Baseline per (agent, intent, field path), on a log scale
// (prices and quantities vary by ratios), robust (median and MAD: the
// outliers we look for cannot drag the baseline along), with a hard ratio
// bound that holds whatever the spread.
//
// Segments: one field path often carries several populations (the unit price
// of a 12 EUR part and of a 230 EUR one). Every short token-like string field
// at the top of the payload (`sku: "A-100"`, `currency: "EUR"`) also keys a
// baseline of its own, and a value is judged against the tightest baseline
// that has enough values: the part's own prices when there are enough of them,
// else every price the agent quoted. A category with too few values of its
// own (ADR 0030) is another population the pool never held: only the hard
// bound judges it, and for a field that is always positive, against every
// value the pool held (beyond `maxRatio` times its largest, or below its
// smallest by as much), not against its median: a bigger product's first
// order totals are not deviations because the others' are small.
//
// Below the hard ratio bound, a value inside the range the baseline already
// holds is never a deviation.
//
// Counters: a whole-number field whose baseline never went down, in time
// order (a cycle or sequence number), is bookkeeping, not a measurement: its next value is
// far from the median by design. A value that carries on counting (not
// lower than the last, at most twice the largest step further) is not judged.
//
// Small samples: from `minRatioSamples` values on, only the hard ratio bound
// judges (a median of eight values is already a fair centre for "10x"); from
// `minSamples` on, the modified z-score too. Both need the value to be at
// least `minRatio` times (or that fraction of) the median, so a tight
// baseline estimated from few values cannot turn noise into findings.
//
// Near zero: a ratio to the median only means something for values away
// from zero. A field that hovers around 0 (a trader's view, a return: 0.004,
// then 0.0001) gives "0.02x the median" for a value that is a hair from its
// neighbours, and signedLog (ln(1 + |x|)) is a plain linear scale below 1, so
// the log scale cannot tell either. The hard ratio bound therefore also asks
// the value to be an outlier on the plain scale: its modified z-score from
// the raw values' median and MAD (`linearZ`, stored with the finding) beyond
// `zThreshold`. The baseline's own raw spread is the floor below which a
// ratio is noise; a price 10x its median is hundreds of spreads out and is
// flagged as before. A baseline that never varied has no plain spread, and
// the ratio alone judges it.
//
// Two scales (ADR 0043): the z-score asks the same of the plain scale. The
// log scale suits a field that varies by ratios, but stretches the low side
// of one that does not (a trade's quantity, a multiple of a view near zero):
// there a value is a deviation only when both scales say so.
//
// When the baseline holds values of both signs (or zero) and zero is a usual
// value on the plain scale (its linear z within `zThreshold`: a view, a return), the median
// is no scale at all, and the field's scale is the largest magnitude it held
// (`maxMagnitude`): a value is judged only if it is at least `minRatio` times
// that (`magnitude`, stored), and always flagged at `maxRatio` times it. A
// view that crosses to the other side of zero, or hovers a hair from it, is
// not a deviation; a poisoned momentum of 9 where views were within 0.05 is.
import { z } from "zod";
import { duration, fmt } from "./explain.ts";
import { dedupeWindow, type DetectorWindow, type Finding } from "./finding.ts";
import { numericFields } from "./numeric-fields.ts";
import { meanAbsoluteDeviation, signedLog } from "./robust-stats.ts";
import { counterOf, groupKey, segmentKey, segmentsOf, sortedMad, sortedMedian, ValueBaselines, type SortedValues } from "./value-baselines.ts";

export { segmentsOf };

export const SemanticDeviationParams = z.object({
  /** Fewer baseline values than this and no z-score is given (the hard ratio bound still judges from minRatioSamples). */
  minSamples: z.number().int().min(2).default(20),
  /** Fewer baseline values than this and nothing is judged. */
  minRatioSamples: z.number().int().min(2).default(8),
  /** |modified z| above this is a deviation (3.5: Iglewicz and Hoaglin)... */
  zThreshold: z.number().positive().default(3.5),
  /** ...if the value is also at least this many times (or this fraction of) the median. */
  minRatio: z.number().min(1).default(1.5),
  /** At this many times the median (or 1/this), always a deviation. */
  maxRatio: z.number().min(1).default(10),
  /** How far back the history goes (for the words: "the 24h median"). */
  baselineMs: z.number().int().positive().default(86_400_000),
});
export type SemanticDeviationParams = z.infer<typeof SemanticDeviationParams>;

interface Baseline {
  n: number;
  /** On the log scale. */
  center: number;
  mad: number;
  meanAd: number;
  /** The raw median, for the ratio. */
  rawMedian: number;
  /** The raw values' MAD, and their mean absolute deviation when that is 0 (NaN otherwise): the plain-scale spread. */
  rawMad: number;
  rawMeanAd: number;
  /** `field=value` of the segment, or null for every value of the path. */
  segment: string | null;
  /** The smallest and largest value the baseline holds. */
  min: number;
  max: number;
  /** Zero is a usual value on the plain scale: judged against the largest magnitude held, not the median. */
  nearZero: boolean;
  maxMagnitude: number;
  /** Set when the values never went down in time order: the last one. */
  counter: { last: number } | null;
}

/** A value that carries on a counter: a whole number not lower than its last value. */
const continuesCounter = (x: number, b: Baseline): boolean => b.counter !== null && Number.isSafeInteger(x) && x >= b.counter.last;

/**
 * `baselines`: the history's values, already sorted by baseline key (the
 * engine keeps them as records arrive). When given, the window's history is
 * not read for baselines; it must hold the values of exactly the window's
 * history, less any record also in `recent`.
 */
export function semanticDeviation(window: DetectorWindow, input: Partial<SemanticDeviationParams> = {}, baselines?: ValueBaselines): Finding[] {
  const p = SemanticDeviationParams.parse(input);
  // The history is read only without kept baselines (a lazy window builds it only then).
  const w = dedupeWindow(window);
  const { recent } = w;
  const source = baselines ?? ValueBaselines.of(w.history);
  const computed = new Map<string, Baseline | null>();
  const baselineOf = (key: string, segment: string | null): Baseline | null => {
    const cached = computed.get(key);
    if (cached !== undefined) return cached;
    const values = source.get(key);
    let b: Baseline | null = null;
    if (values && values.raw.length >= Math.min(p.minRatioSamples, p.minSamples)) b = baselineFrom(values, segment, p.zThreshold);
    computed.set(key, b);
    return b;
  };
  // The tightest baseline; on a tie, the wider population (every value of
  // the path). A segment too young for a z-score still beats a looser pooled
  // baseline: the portfolio's prices pooled over three symbols (20, 50 and
  // 100) would call every CCC trade "0.2x the median", while CCC's own eight
  // prices judge it by the ratio bound alone until it has minSamples of them.
  const spreadOf = (b: Baseline) => (b.mad > 0 ? b.mad : b.meanAd > 0 ? b.meanAd : 0);
  const better = (a: Baseline, b: Baseline) => spreadOf(a) < spreadOf(b);
  const chooseBaseline = (key: string, segments: readonly string[]): { b: Baseline; pooledOnly: boolean } | null => {
    let best = baselineOf(key, null);
    for (const seg of segments) {
      const b = baselineOf(segmentKey(key, seg), seg);
      if (b && (!best || better(b, best))) best = b;
    }
    if (!best) return null;
    // Judged by every value of the path while one of the record's own
    // categories is still unlearned (ADR 0030): the pool is other
    // populations, so only the hard bound speaks.
    const pooledOnly = best.segment === null && segments.some((seg) => source.unlearnedSegment(key, seg, p.minRatioSamples));
    return { b: best, pooledOnly };
  };

  const out: Finding[] = [];
  for (const r of recent) {
    const intent = r.intent ?? r.kind;
    const segments = segmentsOf(r.payload);
    for (const [path, values] of numericFields(r.payload)) {
      const chosen = chooseBaseline(groupKey(r.agent, intent, path), segments);
      if (!chosen) continue;
      const b = chosen.b;
      // Of several values under one path (a list), the furthest out speaks for the record.
      let worst: { x: number; judged: Judged } | null = null;
      for (const x of values) {
        if (continuesCounter(x, b)) continue;
        const judged = judge(x, b, p, chosen.pooledOnly);
        if (judged.flagged && (!worst || judged.extremity > worst.judged.extremity)) worst = { x, judged };
      }
      if (!worst) continue;
      const { x, judged } = worst;
      const field = path === "" ? "(payload)" : path;
      out.push({
        detector: "semantic_deviation",
        recordId: r.recordId,
        agent: r.agent,
        subject: `${intent} ${field}`,
        score: judged.z ?? judged.magnitude ?? judged.ratio ?? Number.NaN,
        explanation: explain(field, x, judged, b, p),
        params: {
          minSamples: p.minSamples,
          minRatioSamples: p.minRatioSamples,
          zThreshold: p.zThreshold,
          minRatio: p.minRatio,
          maxRatio: p.maxRatio,
          baselineMs: p.baselineMs,
          n: b.n,
          median: b.rawMedian,
          value: x,
          z: judged.z,
          spread: judged.spread,
          ratio: judged.ratio,
          linearZ: judged.linearZ,
          magnitude: judged.magnitude,
          maxMagnitude: b.nearZero ? b.maxMagnitude : null,
          segment: b.segment,
          rule: judged.rule,
        },
        evidence: [r.recordId],
        at: r.at,
      });
    }
  }
  return out;
}

/** A baseline's statistics from its sorted values (median and MAD on the log scale, the raw median for the ratio). */
function baselineFrom(values: SortedValues, segment: string | null, zThreshold: number): Baseline {
  const { raw, log } = values;
  const center = sortedMedian(log);
  const m = sortedMad(log, center);
  // The mean absolute deviation only stands in when the MAD is 0.
  const meanAd = m > 0 ? Number.NaN : meanAbsoluteDeviation(log, center);
  const rawMedian = sortedMedian(raw);
  const rawMad = sortedMad(raw, rawMedian);
  const rawMeanAd = rawMad > 0 ? Number.NaN : meanAbsoluteDeviation(raw, rawMedian);
  const min = raw[0]!;
  const max = raw[raw.length - 1]!;
  const zeroZ = linearZ(0, { rawMedian, rawMad, rawMeanAd });
  // Values of both signs (or zero itself) around a centre zero is usual to: a
  // strictly positive field (prices, a wide log-normal) keeps its ratios.
  const nearZero = min <= 0 && max >= 0 && zeroZ !== null && Math.abs(zeroZ) <= zThreshold;
  return { n: raw.length, center, mad: m, meanAd, rawMedian, rawMad, rawMeanAd, nearZero, maxMagnitude: Math.max(Math.abs(min), Math.abs(max)), segment, min, max, counter: counterOf(values) };
}


/** The modified z-score of x on the plain (linear) scale; null when the raw values never varied. */
export function linearZ(x: number, b: Pick<Baseline, "rawMedian" | "rawMad" | "rawMeanAd">): number | null {
  if (b.rawMad > 0) return (0.6745 * (x - b.rawMedian)) / b.rawMad;
  if (b.rawMeanAd > 0) return (x - b.rawMedian) / (1.2533 * b.rawMeanAd);
  return null;
}

interface Judged {
  flagged: boolean;
  z: number | null;
  ratio: number | null;
  spread: "mad" | "mean_absolute_deviation" | "none";
  /** The modified z-score on the plain scale: what lets the ratio bound speak (see "Near zero"). */
  linearZ: number | null;
  /** |x| over the largest magnitude the baseline held, for a baseline near zero; null otherwise. */
  magnitude: number | null;
  /** For choosing the worst of several values. */
  extremity: number;
  /** Judged for a category the pool has not learned: against every value the field held (see judge). */
  pooled: boolean;
  /** Which rule flagged it (stored as the finding's `rule`); null when not flagged. */
  rule: SemanticRule | null;
}

/**
 * `ratio_bound`: maxRatio times (or 1/maxRatio of) the median; `z_score`: the
 * modified z-score with at least minRatio; `constant_broken`: a baseline that
 * never varied, now broken; `pooled_bound`: an unlearned category beyond
 * every value the pool held; `magnitude_bound` / `magnitude_z`: near zero,
 * against the largest magnitude held, alone or with the z-score.
 */
export type SemanticRule = "ratio_bound" | "z_score" | "constant_broken" | "pooled_bound" | "magnitude_bound" | "magnitude_z";

function judge(x: number, b: Baseline, p: SemanticDeviationParams, hardBoundOnly = false): Judged {
  const t = signedLog(x);
  let z: number | null = null;
  let spread: Judged["spread"] = "none";
  // Too few values for a spread to mean much: the hard ratio bound alone judges.
  const zAllowed = b.n >= p.minSamples && !hardBoundOnly;
  if (b.mad > 0) {
    z = (0.6745 * (t - b.center)) / b.mad;
    spread = "mad";
  } else if (b.meanAd > 0) {
    z = (t - b.center) / (1.2533 * b.meanAd);
    spread = "mean_absolute_deviation";
  }
  // A ratio only means something between two numbers of the same sign.
  const ratio = b.rawMedian !== 0 && Math.sign(x) === Math.sign(b.rawMedian) ? x / b.rawMedian : null;
  const big = (bound: number) => ratio !== null && (ratio >= bound || ratio <= 1 / bound);
  const meaningful = ratio === null || big(p.minRatio);
  // Near zero, a ratio is noise unless the value is also far out on the plain scale.
  const lz = linearZ(x, b);
  const awayFromZero = lz === null || Math.abs(lz) > p.zThreshold;
  // Below the hard bound, a value the baseline has already held (between its
  // smallest and largest) is not new, however rare: a field with two usual
  // values (an order of 15 or of 35) would otherwise be flagged every time
  // the rarer one came.
  const seen = x >= b.min && x <= b.max;
  if (b.nearZero) {
    const magnitude = Math.abs(x) / b.maxMagnitude;
    const bound = magnitude >= p.maxRatio;
    const byZ = zAllowed && z !== null && Math.abs(z) > p.zThreshold && magnitude >= p.minRatio;
    const rule = bound ? "magnitude_bound" : byZ ? "magnitude_z" : null;
    return { flagged: rule !== null, z: zAllowed ? z : null, ratio, spread: zAllowed ? spread : "none", linearZ: lz, magnitude, extremity: z !== null ? Math.abs(z) : magnitude, pooled: false, rule };
  }
  // A category the pool has not learned yet (`hardBoundOnly`) is another
  // population: its usual values may sit anywhere among or beyond the
  // others' (a bigger product's order totals). Of a field that is always
  // positive it is out of bounds only `maxRatio` times beyond every value the
  // field ever held, not beyond their median.
  if (hardBoundOnly && b.min > 0 && x > 0) {
    const flagged = x >= p.maxRatio * b.max || x <= b.min / p.maxRatio;
    return { flagged, z: null, ratio, spread: "none", linearZ: lz, magnitude: null, extremity: Math.abs(Math.log(x / b.rawMedian)), pooled: true, rule: flagged ? "pooled_bound" : null };
  }
  // The z-score, like the hard bound, speaks only when the plain scale
  // agrees (awayFromZero): the log scale stretches the low side of a field
  // that is not log-symmetric. A trade's quantity is a multiple of a view
  // near zero (half-normal, not log-normal), and 0.42x its median is -3.7
  // on the log scale but -2.5 on the plain one: a small trade, not a
  // deviation. A log-normal field's outliers are further out on the plain
  // scale above the median, and a tight one's below it too (0.04x a price
  // spread 10% is -10 there).
  const rule: SemanticRule | null =
    big(p.maxRatio) && awayFromZero
      ? "ratio_bound"
      : !seen && zAllowed && z !== null && Math.abs(z) > p.zThreshold && meaningful && awayFromZero
        ? "z_score"
        : // A baseline that never varied, now broken.
          !seen && zAllowed && z === null && t !== b.center && meaningful
          ? "constant_broken"
          : null;
  const extremity = z !== null ? Math.abs(z) : ratio !== null ? Math.abs(Math.log(Math.abs(ratio))) : Math.abs(t - b.center);
  return { flagged: rule !== null, z: zAllowed ? z : null, ratio, spread: zAllowed ? spread : "none", linearZ: lz, magnitude: null, extremity, pooled: false, rule };
}

function explain(field: string, x: number, j: Judged, b: Baseline, p: SemanticDeviationParams): string {
  const where = `the ${duration(p.baselineMs)} median${b.segment === null ? "" : ` for ${b.segment.replace("=", " ")}`}`;
  if (j.magnitude !== null) {
    const only = b.n < p.minSamples ? `, below ${fmt(p.minSamples)} values: magnitude bound only` : "";
    return `${field} ${fmt(x)}, ${fmt(j.magnitude)}x the largest magnitude in the ${duration(p.baselineMs)} baseline${b.segment === null ? "" : ` for ${b.segment.replace("=", " ")}`} (${fmt(b.maxMagnitude)}, near zero; n=${fmt(b.n)}${only})`;
  }
  const head = j.ratio !== null ? `${field} ${fmt(j.ratio)}x ${where}` : `${field} ${fmt(x)} against ${where} of ${fmt(b.rawMedian)}`;
  if (j.pooled) return `${head} (n=${fmt(b.n)}; its category has too few values of its own: beyond ${fmt(p.maxRatio)}x every value held, ${fmt(b.min)} to ${fmt(b.max)})`;
  const constant = b.n < p.minSamples ? `, below ${fmt(p.minSamples)} values: ratio bound only` : j.spread === "none" ? ", which never varied" : "";
  return `${head} (n=${fmt(b.n)}${constant})`;
}
