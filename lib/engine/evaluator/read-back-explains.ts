import { outsideOf, readBackOf, seriesOf } from "../detectors/feedback-loop.ts";
import type { WindowRecord } from "../detectors/finding.ts";
import { siblingsSay, type SiblingSeries } from "../detectors/loop-siblings.ts";

/**
 * Whether a deviating value (`rec`'s field at `path`) came from what its
 * record read back of other agents' writes rather than from what it read
 * outside them (ADR 0050, siblingsSay: `awaiting` where its siblings of the
 * round are not in `records` yet): records of the same subject made from the very
 * same outside reads (a feed's version, by its hash) got the same outside
 * part, so where they differ by clearly more than such records did in the
 * `windowMs` before, given what each read back, the departure is in what
 * they made of what they read back (a loop's gain), and the outside read
 * explains nothing. Where they differ as usual, or `rec` has no such
 * sibling, the outside read may explain it (a poisoned feed's victims all
 * moved by the feed). Only records of agents that deal with `rec`'s,
 * directly or not (messages, writes and their readers), are its siblings
 * or their past: another desk's loop in the same window weighs what it
 * reads at its own gain, and taken as this desk's usual weight it would
 * hide this desk's loop. `records`: the window, in time order. Pure.
 */
export function readBackExplains(rec: WindowRecord, path: string, records: readonly WindowRecord[], windowMs: number): ReturnType<typeof siblingsSay> {
  const w = windowReadsOf(records);
  if (!w.byId.has(rec.recordId)) return "outside";
  if (outsideOf(rec, w.written, w.byId) === null) return "outside";
  const { series, place } = w.seriesOf(path, w.community(rec.agent));
  const at = place.get(rec.recordId);
  return at ? siblingsSay(series, at[0], at[1], windowMs) : "outside";
}

/**
 * What every question about one window shares: its records by id, the keys
 * written in it, and each field path's series. A pass asks once per
 * deviation explained only by an outside read and once per held read, all
 * of the same window: built once for it, not once per question.
 */
interface WindowReads {
  byId: Map<string, WindowRecord>;
  written: Set<string>;
  /** The agents that deal with `agent` in the window, directly or not, by one of them. */
  community: (agent: string) => string;
  seriesOf: (path: string, community: string) => { series: SiblingSeries[]; place: Map<string, [number, number]> };
}

const windows = new WeakMap<readonly WindowRecord[], WindowReads>();

function windowReadsOf(records: readonly WindowRecord[]): WindowReads {
  const known = windows.get(records);
  if (known) return known;
  const byId = new Map<string, WindowRecord>();
  for (const r of records) if (!byId.has(r.recordId)) byId.set(r.recordId, r);
  // What is written in the window is what a record may read back; a read of anything else read outside.
  const written = new Set<string>();
  for (const r of records) if (r.kind === "state.write" && r.intent !== null) written.add(r.intent);
  const community = communities(byId.values());
  const paths = new Map<string, ReturnType<WindowReads["seriesOf"]>>();
  const w: WindowReads = {
    byId,
    written,
    community,
    seriesOf: (path, among) => {
      const memo = `${among}\u0000${path}`;
      let out = paths.get(memo);
      if (out) return out;
      const bySeries = new Map<string, WindowRecord[]>();
      for (const r of byId.values()) {
        if ((r.kind !== "state.write" && r.kind !== "message") || community(r.agent) !== among) continue;
        for (const e of seriesOf(r)) if (e.path === path) (bySeries.get(e.key) ?? bySeries.set(e.key, []).get(e.key)!).push(r);
      }
      const keys = new Set(bySeries.keys());
      const series: SiblingSeries[] = [];
      // Each record's series and its place in it.
      const place = new Map<string, [number, number]>();
      for (const [key, rs] of bySeries) {
        rs.sort((a, b) => a.at - b.at);
        rs.forEach((r, i) => place.set(r.recordId, [series.length, i]));
        series.push({
          at: rs.map((r) => r.at),
          values: rs.map((r) => seriesOf(r).find((e) => e.key === key)!.value),
          readBack: rs.map((r) => readBackOf(r, path, keys, written, byId)),
          outside: rs.map((r) => outsideOf(r, written, byId)),
        });
      }
      paths.set(memo, (out = { series, place }));
      return out;
    },
  };
  windows.set(records, w);
  return w;
}

/** A record of the window by id (the first copy held), from the same index readBackExplains uses. */
export function windowRecord(records: readonly WindowRecord[], recordId: string): WindowRecord | undefined {
  return windowReadsOf(records).byId.get(recordId);
}

/**
 * Agents joined when one deals with another in `records`: a message joins
 * its sender and receivers, a key's writers join each other and the agents
 * that read it. Each agent maps to one member of its group (union-find).
 */
function communities(records: Iterable<WindowRecord>): (agent: string) => string {
  const parent = new Map<string, string>();
  const find = (agent: string): string => {
    let root = agent;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let at = agent; at !== root; ) {
      const up = parent.get(at)!;
      parent.set(at, root);
      at = up;
    }
    return root;
  };
  const join = (a: string, b: string) => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  const writer = new Map<string, string>();
  const readers: WindowRecord[] = [];
  for (const r of records) {
    join(r.agent, r.agent);
    if (r.kind === "message") for (const to of r.receivers) join(r.agent, to);
    else if (r.kind === "state.write" && r.intent !== null) {
      const first = writer.get(r.intent);
      if (first === undefined) writer.set(r.intent, r.agent);
      else join(first, r.agent);
    } else if (r.kind === "state.read") readers.push(r);
  }
  for (const r of readers) {
    const w = r.intent === null ? undefined : writer.get(r.intent);
    if (w !== undefined) join(w, r.agent);
  }
  return (agent) => (parent.has(agent) ? find(agent) : agent);
}
