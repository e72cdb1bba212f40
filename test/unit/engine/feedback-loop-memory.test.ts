// A loop of one agent through its own memory (ADR 0055): a coder that builds
// each change on its last one, read back from its repository, or a planner
// that adds its last result to the next. Each record is a new piece of work
// (a ticket, a task id), so the series is the agent's, not one per ticket.
// The numbers are the chaos runs' own (software delivery and synthetic,
// seed s1): the first amplified change is an ordinary size next to the ones
// before it, and a setting written beside it happened to rise at the end.
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { feedbackLoop, seriesKeys, seriesOf } from "@/lib/engine/detectors/feedback-loop.ts";
import type { WindowRecord } from "@/lib/engine/detectors/finding.ts";
import { resetWindowIds, wr } from "./detector-fixtures.ts";

beforeEach(() => resetWindowIds());

const SPLITS = [1, 3, 10, 10_000];
/** The coder's change sizes, a ticket every 30 minutes: 22 clean ones, then the loop's (gain 1.6 on the last). */
const CLEAN_LINES = [140, 48, 194, 87, 228, 78, 93, 100, 134, 73, 129, 150, 229, 89, 211, 82, 225, 147, 142, 239, 213, 198];
const LOOP_LINES = [388, 844, 1423, 2369];

/** Each ticket: the coder reads its last change back from its repository, then writes the next, with the settings it used. */
function coderRounds(lines: readonly number[], pools: readonly number[]): WindowRecord[] {
  const out: WindowRecord[] = [];
  let last: WindowRecord | null = null;
  lines.forEach((n, k) => {
    const sec = k * 1800;
    const read = wr({ agent: "coder", receivers: [], kind: "state.read", intent: "coder/repo/main", sec, payload: { found: true }, parents: last ? [last.recordId] : [] });
    const write = wr({ agent: "coder", receivers: [], kind: "state.write", intent: "coder/repo/main", sec: sec + 1, payload: { ticket: `T-${100 + k}`, lines: n, settings: { timeout_ms: 2000 + ((k * 137) % 500), pool_size: pools[k]! } }, parents: [read.recordId] });
    // The reviewer reads each change: the coder's writes feed another agent too, which closes no loop.
    const review = wr({ agent: "reviewer", receivers: [], kind: "state.read", intent: "coder/repo/main", sec: sec + 2, payload: { found: true }, parents: [write.recordId] });
    out.push(read, write, review);
    last = write;
  });
  return out;
}

/** Pool sizes that wander, the last one up by half (a setting that rose by chance in the loop's last round). */
const POOLS = [...CLEAN_LINES, ...LOOP_LINES].map((_, k, all) => (k === all.length - 1 ? 18 : 10 + ((k * 7) % 5)));

/** Every record a feedback_loop finding names, judging `records` in passes of `batch`, each pass's history all before it. */
function namedInPasses(records: readonly WindowRecord[], batch: number): { named: Set<string>; subjects: Set<string> } {
  const named = new Set<string>();
  const subjects = new Set<string>();
  for (let s = 0; s < records.length; s += batch) {
    for (const f of feedbackLoop({ history: records.slice(0, s), recent: records.slice(s, s + batch) })) {
      subjects.add(f.subject ?? "");
      for (const id of f.evidence) named.add(id);
    }
  }
  return { named, subjects };
}

const writesOf = (records: readonly WindowRecord[]) => records.filter((r) => r.kind === "state.write");
/** A change's size, its payload decoded (a record without one fails the test). */
const linesOf = (r: WindowRecord) => z.object({ lines: z.number() }).parse(r.payload).lines;
const valueOf = (r: WindowRecord) => z.object({ value: z.number() }).parse(r.payload).value;

describe("a loop of one agent through its own memory", () => {
  it.each(SPLITS)("names the coder's first amplified change and every one after it, none before, in passes of %i records", (batch) => {
    const records = coderRounds([...CLEAN_LINES, ...LOOP_LINES], POOLS);
    const { named, subjects } = namedInPasses(records, batch);
    const writes = writesOf(records);
    expect(writes.filter((w) => named.has(w.recordId)).map(linesOf)).toEqual(LOOP_LINES);
    expect(subjects).toEqual(new Set(["coder -> coder"]));
  });

  // Seed s6: a clean change rose by chance just before the loop (95 -> 188), as the loop's first would;
  // what it made of the 95 it read back says it was clean. Seed s27: the loop's first change (322) read
  // back a small one (94); a slope fitted through the five changes before would have called it noise.
  const SEEDS = [
    { seed: "s6", clean: [68, 136, 130, 67, 54, 76, 66, 91, 94, 199, 185, 201, 153, 238, 127, 213, 182, 72, 199, 153, 95, 188], loop: [343, 611, 1172, 2108] },
    { seed: "s27", clean: [63, 144, 167, 156, 100, 83, 207, 214, 142, 90, 228, 64, 40, 224, 51, 153, 134, 206, 150, 193, 212, 94], loop: [322, 634, 1169, 1987, 3222] },
  ];
  it.each(SEEDS.flatMap((c) => SPLITS.map((batch) => ({ ...c, batch }))))("names the loop's first change, not a clean one before it, seed $seed in passes of $batch records", ({ clean, loop, batch }) => {
    const lines = [...clean, ...loop];
    const records = coderRounds(lines, lines.map((_, k) => 10 + ((k * 7) % 5)));
    const { named } = namedInPasses(records, batch);
    // The loop's first change and none before it; a pass whose window has slid past the rise's usual range may not report the last.
    const got = writesOf(records).filter((w) => named.has(w.recordId)).map(linesOf);
    expect(got[0]).toBe(loop[0]);
    expect(got.every((n) => loop.includes(n))).toBe(true);
  });

  it("finds nothing in an agent's memory that wanders, however long", () => {
    const clean = [...CLEAN_LINES, ...CLEAN_LINES.slice(0, 10)];
    const records = coderRounds(clean, clean.map((_, k) => 10 + ((k * 7) % 5)));
    for (const batch of SPLITS) expect(namedInPasses(records, batch).named.size).toBe(0);
  });

  it("finds no loop of one agent that only writes what nobody reads back", () => {
    // The same sizes written without the coder reading its last change: the reviewer's reads feed no cycle.
    const records = coderRounds([...CLEAN_LINES, ...LOOP_LINES], POOLS).filter((r) => !(r.kind === "state.read" && r.agent === "coder"));
    expect(namedInPasses(records, 10_000).named.size).toBe(0);
  });

  it("names a planner's first compounded result, one task id per record (synthetic, seed s1)", () => {
    // value = signal + weight x last value: 0.2 before the loop, 1.6 from task-58 on.
    const values = [1.2051, 1.3189, 1.1377, 1.2642, 1.3001, 1.1733, 1.2318, 1.0914, 1.2863, 1.2507, 1.1678, 2.8822, 5.6061, 10.0372, 17.6087, 29.3151];
    const out: WindowRecord[] = [];
    let last: WindowRecord | null = null;
    values.forEach((value, k) => {
      const sec = k * 30;
      const feed = wr({ agent: "a0000", receivers: [], kind: "state.read", intent: "feeds/signal", sec, payload: { found: true, sha256: `h${k}` } });
      const read = wr({ agent: "a0000", receivers: [], kind: "state.read", intent: "a0000/last", sec, payload: { found: true }, parents: last ? [last.recordId] : [] });
      const write = wr({ agent: "a0000", receivers: [], kind: "state.write", intent: "a0000/last", sec: sec + 1, payload: { task: `task-${47 + k}`, value }, parents: [feed.recordId, read.recordId] });
      out.push(feed, read, write);
      last = write;
    });
    for (const batch of SPLITS) {
      const { named } = namedInPasses(out, batch);
      expect(writesOf(out).filter((w) => named.has(w.recordId)).map(valueOf), `passes of ${batch}`).toEqual(values.slice(11));
    }
  });
});

describe("seriesKeys", () => {
  it("keeps a field split by a subject that recurs (a symbol, a SKU), and merges one split by an id that never does (a ticket)", () => {
    const views = ["AAA", "BBB", "AAA", "BBB"].map((symbol, k) => wr({ kind: "state.write", intent: "trader/rec", payload: { symbol, value: k } }));
    const changes = [0, 1, 2].map((k) => wr({ kind: "state.write", intent: "coder/repo/main", payload: { ticket: `T-${k}`, lines: k } }));
    const keyOf = seriesKeys([...views, ...changes]);
    const keys = (rs: readonly WindowRecord[]) => new Set(rs.map((r) => keyOf(seriesOf(r)[0]!)));
    expect(keys(views).size).toBe(2);
    expect(keys(changes).size).toBe(1);
  });
});
