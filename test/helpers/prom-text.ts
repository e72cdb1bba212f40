// A strict parser for the Prometheus text exposition format (0.0.4), for
// tests: it throws on anything a real scraper would reject or misread:
// bad names, bad escapes, a TYPE after its samples, families split apart,
// duplicate series, counters below zero, histograms whose buckets are not
// cumulative or whose +Inf bucket disagrees with _count.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help: string | null;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

export function parsePrometheusText(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current: string | null = null;
  const lines = text.split("\n").slice(0, -1);
  lines.forEach((line, i) => {
    const where = `line ${i + 1} (${JSON.stringify(line.slice(0, 80))})`;
    if (line.trim() === "") return;
    if (line.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, "HELP" | "TYPE", string, string];
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: invalid metric name ${name}`);
      if (closed.has(name)) throw new Error(`${where}: ${kind} for ${name} after its samples ended`);
      const fam = families.get(name) ?? { name, type: "untyped" as Family["type"], help: null, samples: [] };
      if (fam.samples.length > 0) throw new Error(`${where}: ${kind} for ${name} after its samples`);
      if (kind === "HELP") {
        if (fam.help !== null) throw new Error(`${where}: second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ""))) throw new Error(`${where}: invalid escape in HELP`);
        fam.help = rest;
      } else {
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type ${rest}`);
        if (families.has(name) && families.get(name)!.type !== "untyped") throw new Error(`${where}: second TYPE for ${name}`);
        fam.type = rest as Family["type"];
      }
      families.set(name, fam);
      switchTo(name);
      return;
    }
    const sample = parseSample(line, where);
    const fam = familyOf(sample.name, families);
    switchTo(fam.name);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (series.has(key)) throw new Error(`${where}: duplicate series ${key}`);
    series.add(key);
    if (fam.type === "counter" && (sample.value < 0 || Number.isNaN(sample.value))) throw new Error(`${where}: counter below zero`);
    fam.samples.push(sample);
  });
  for (const fam of families.values()) if (fam.type === "histogram") checkHistogram(fam);
  return families;

  function switchTo(name: string): void {
    if (current !== null && current !== name) closed.add(current);
    if (closed.has(name)) throw new Error(`samples of ${name} are split by another family`);
    current = name;
  }
}

function familyOf(sampleName: string, families: Map<string, Family>): Family {
  const direct = families.get(sampleName);
  if (direct && direct.type !== "histogram" && direct.type !== "summary") return direct;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = families.get(sampleName.slice(0, -suffix.length));
    if (base && (base.type === "histogram" || (base.type === "summary" && suffix !== "_bucket"))) return base;
  }
  if (direct) return direct;
  const fam: Family = { name: sampleName, type: "untyped", help: null, samples: [] };
  families.set(sampleName, fam);
  return fam;
}

function parseSample(line: string, where: string): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) throw new Error(`${where}: no metric name`);
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === "{") {
    i++;
    while (line[i] !== "}") {
      const ln = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
      if (!ln || !LABEL_NAME.test(ln[0])) throw new Error(`${where}: bad label name at ${i}`);
      if (ln[0].startsWith("__")) throw new Error(`${where}: reserved label name ${ln[0]}`);
      i += ln[0].length;
      if (line.slice(i, i + 2) !== '="') throw new Error(`${where}: expected =" after ${ln[0]}`);
      i += 2;
      let value = "";
      for (;;) {
        const c = line[i];
        if (c === undefined) throw new Error(`${where}: unterminated label value`);
        if (c === '"') break;
        if (c === "\\") {
          const n = line[i + 1];
          if (n === "\\") value += "\\";
          else if (n === '"') value += '"';
          else if (n === "n") value += "\n";
          else throw new Error(`${where}: invalid escape \\${n ?? ""} in label value`);
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
      i++;
      if (ln[0] in labels) throw new Error(`${where}: label ${ln[0]} twice`);
      labels[ln[0]] = value;
      if (line[i] === ",") i++;
      else if (line[i] !== "}") throw new Error(`${where}: expected , or } at ${i}`);
    }
    i++;
  }
  const rest = line.slice(i);
  const m = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
  if (!m) throw new Error(`${where}: expected " <value> [timestamp]"`);
  return { name, labels, value: parseValue(m[1]!, where) };
}

// Prometheus reads values with Go's strconv.ParseFloat: NaN and Inf in any case (prom-client writes `Nan`).
function parseValue(s: string, where: string): number {
  if (/^\+?inf(inity)?$/i.test(s)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(s)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(s)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new Error(`${where}: invalid value ${s}`);
  return Number(s);
}

function checkHistogram(fam: Family): void {
  const groups = new Map<string, { buckets: { le: number; v: number }[]; count?: number; sum?: number }>();
  for (const s of fam.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const g = groups.get(key) ?? { buckets: [] };
    if (s.name === `${fam.name}_bucket`) {
      if (le === undefined) throw new Error(`${fam.name}: bucket without le`);
      g.buckets.push({ le: parseValue(le, fam.name), v: s.value });
    } else if (s.name === `${fam.name}_count`) g.count = s.value;
    else if (s.name === `${fam.name}_sum`) g.sum = s.value;
    else throw new Error(`${fam.name}: unexpected sample ${s.name} in a histogram`);
    groups.set(key, g);
  }
  for (const [key, g] of groups) {
    const sorted = [...g.buckets].sort((a, b) => a.le - b.le);
    for (let n = 1; n < sorted.length; n++) if (sorted[n]!.v < sorted[n - 1]!.v) throw new Error(`${fam.name}${key}: buckets not cumulative`);
    const inf = sorted[sorted.length - 1];
    if (!inf || inf.le !== Number.POSITIVE_INFINITY) throw new Error(`${fam.name}${key}: no +Inf bucket`);
    if (g.count === undefined || g.sum === undefined) throw new Error(`${fam.name}${key}: missing _count or _sum`);
    if (inf.v !== g.count) throw new Error(`${fam.name}${key}: +Inf bucket ${inf.v} != _count ${g.count}`);
  }
}

/** The value of the one sample with exactly these labels (a subset match is not enough). */
export function valueOf(families: Map<string, Family>, sampleName: string, labels: Record<string, string> = {}): number | undefined {
  for (const fam of families.values()) {
    for (const s of fam.samples) {
      if (s.name !== sampleName) continue;
      const keys = Object.keys(s.labels);
      if (keys.length === Object.keys(labels).length && keys.every((k) => s.labels[k] === labels[k])) return s.value;
    }
  }
  return undefined;
}
