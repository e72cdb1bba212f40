// Is a number in a payload far from what this agent usually sends for this
// intent and field? Baseline per (agent, intent, field path), on a log scale
// (prices and quantities vary by ratios), robust (median and MAD: the
// outliers we look for cannot drag the baseline along), with a hard ratio
// bound that holds whatever the spread.
import { z } from "zod";
import { duration, fmt } from "./explain.ts";
import { dedupeWindow, type DetectorWindow, type Finding } from "./finding.ts";
import { numericFields } from "./numeric-fields.ts";
import { mad, meanAbsoluteDeviation, median, signedLog } from "./robust-stats.ts";

export const SemanticDeviationParams = z.object({
  /** Fewer baseline values than this and nothing is judged. */
  minSamples: z.number().int().min(2).default(30),
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
  logValues: number[];
}

const groupKey = (agent: string, intent: string, path: string) => `${agent}\u0000${intent}\u0000${path}`;

export function semanticDeviation(window: DetectorWindow, input: Partial<SemanticDeviationParams> = {}): Finding[] {
  const p = SemanticDeviationParams.parse(input);
  const { history, recent } = dedupeWindow(window);
  const raw = new Map<string, number[]>();
  for (const r of history) {
    for (const [path, values] of numericFields(r.payload)) {
      const key = groupKey(r.agent, r.intent ?? r.kind, path);
      const list = raw.get(key);
      if (list) list.push(...values);
      else raw.set(key, [...values]);
    }
  }
  const baselines = new Map<string, Baseline>();
  const baselineOf = (key: string): Baseline | null => {
    const cached = baselines.get(key);
    if (cached) return cached;
    const values = raw.get(key);
    if (!values || values.length < p.minSamples) return null;
    const logValues = values.map(signedLog);
    const center = median(logValues);
    const b = { n: values.length, center, mad: mad(logValues, center), meanAd: meanAbsoluteDeviation(logValues, center), rawMedian: median(values), logValues };
    baselines.set(key, b);
    return b;
  };

  const out: Finding[] = [];
  for (const r of recent) {
    const intent = r.intent ?? r.kind;
    for (const [path, values] of numericFields(r.payload)) {
      const b = baselineOf(groupKey(r.agent, intent, path));
      if (!b) continue;
      // Of several values under one path (a list), the furthest out speaks for the record.
      let worst: { x: number; judged: Judged } | null = null;
      for (const x of values) {
        const judged = judge(x, b, p);
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
        score: judged.z ?? judged.ratio ?? Number.NaN,
        explanation: explain(field, x, judged, b, p),
        params: {
          minSamples: p.minSamples,
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
        },
        evidence: [r.recordId],
        at: r.at,
      });
    }
  }
  return out;
}

interface Judged {
  flagged: boolean;
  z: number | null;
  ratio: number | null;
  spread: "mad" | "mean_absolute_deviation" | "none";
  /** For choosing the worst of several values. */
  extremity: number;
}

function judge(x: number, b: Baseline, p: SemanticDeviationParams): Judged {
  const t = signedLog(x);
  let z: number | null = null;
  let spread: Judged["spread"] = "none";
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
  const flagged =
    big(p.maxRatio) ||
    (z !== null && Math.abs(z) > p.zThreshold && meaningful) ||
    // A baseline that never varied, now broken.
    (z === null && t !== b.center && meaningful);
  const extremity = z !== null ? Math.abs(z) : ratio !== null ? Math.abs(Math.log(Math.abs(ratio))) : Math.abs(t - b.center);
  return { flagged, z, ratio, spread, extremity };
}

function explain(field: string, x: number, j: Judged, b: Baseline, p: SemanticDeviationParams): string {
  const where = `the ${duration(p.baselineMs)} median`;
  const head = j.ratio !== null ? `${field} ${fmt(j.ratio)}x ${where}` : `${field} ${fmt(x)} against ${where} of ${fmt(b.rawMedian)}`;
  const constant = j.spread === "none" ? ", which never varied" : "";
  return `${head} (n=${fmt(b.n)}${constant})`;
}
