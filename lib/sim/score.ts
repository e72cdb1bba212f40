// A run's ground truth against what Firebreak decided: for each fault, how
// many of its records were flagged at the door and how fast; for clean
// traffic, how many were flagged anyway (each one a false flag). Copies of
// one id (a replay) are matched by storage order: the simulator sends the
// original first.
import type { GroundTruth, RecordRef } from "./ground-truth.ts";
import type { StoredVerdict, VerdictSource } from "./verdicts.ts";

export interface FaultScore {
  id: string;
  fault: string;
  variant: string;
  detection: "door" | "engine";
  target: string;
  fired: boolean;
  injected: number;
  /** Injected records Firebreak stored. */
  stored: number;
  /** Injected records not verified. */
  flagged: number;
  /** Flagged with one of the fault's expected verdicts. */
  expected: number;
  /** Arrival of the first flagged record minus the emission of the fault's first record, ms. */
  firstFlagMs: number | null;
  /** Records downstream of the fault (messages, actions, approvals, state versions). */
  downstream: number;
  downstreamFlagged: number;
  /** Injected records that passed the door, for a door fault: each one a miss. */
  missed: RecordRef[];
}

export interface RunScore {
  faults: FaultScore[];
  clean: { total: number; stored: number; flagged: number; falseFlags: { id: string; copy: number; verdicts: string[] }[] };
  /** Records still `pending` when scored. */
  pending: number;
  /** Records of the run Firebreak does not have. */
  missing: number;
}

export function isPending(verdicts: readonly string[]): boolean {
  return verdicts.includes("pending");
}

/** Flagged: judged and not verified. A pending record is not judged yet. */
export function isFlagged(verdicts: readonly string[]): boolean {
  return !verdicts.includes("verified") && !isPending(verdicts);
}

/** Stored rows by `<id>#<copy>`: the n-th stored row with an id is copy n. */
export function matchStored(stored: readonly StoredVerdict[]): Map<string, StoredVerdict> {
  const byId = new Map<string, StoredVerdict[]>();
  for (const s of stored) byId.set(s.id, [...(byId.get(s.id) ?? []), s]);
  const out = new Map<string, StoredVerdict>();
  for (const [id, rows] of byId) {
    rows.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    rows.forEach((row, copy) => out.set(`${id}#${copy}`, row));
  }
  return out;
}

export function scoreRun(truth: GroundTruth, stored: readonly StoredVerdict[], emittedAt: (handle: string) => number | undefined = () => undefined): RunScore {
  const rows = matchStored(stored);
  const statusOf = new Map(truth.records.map((r) => [`${r.id}#${r.copy}`, r]));
  let pending = 0;
  let missing = 0;
  for (const r of truth.records) {
    const row = rows.get(`${r.id}#${r.copy}`);
    if (!row) missing++;
    else if (isPending(row.verdicts)) pending++;
  }

  const faults: FaultScore[] = truth.faults.map((f) => {
    let storedN = 0;
    let flagged = 0;
    let expected = 0;
    let firstFlagAt: number | null = null;
    let firstEmit: number | null = null;
    const missed: RecordRef[] = [];
    for (const ref of f.injected) {
      const handle = `${ref.id}#${ref.copy}`;
      const emitted = emittedAt(handle);
      if (emitted !== undefined) firstEmit = firstEmit === null ? emitted : Math.min(firstEmit, emitted);
      const row = rows.get(handle);
      if (!row) continue;
      storedN++;
      if (isFlagged(row.verdicts)) {
        flagged++;
        if (f.expectedVerdicts.some((v) => row.verdicts.includes(v))) expected++;
        firstFlagAt = firstFlagAt === null ? row.receivedAt : Math.min(firstFlagAt, row.receivedAt);
      } else if (f.detection === "door") {
        missed.push(ref);
      }
    }
    const down = [...f.downstream.messages, ...f.downstream.actions, ...f.downstream.approvals];
    const downFlagged = down.filter((ref) => {
      const row = rows.get(`${ref.id}#${ref.copy}`);
      return row !== undefined && isFlagged(row.verdicts);
    }).length;
    const versions = f.downstream.stateVersions.length;
    return {
      id: f.id,
      fault: f.fault,
      variant: f.variant,
      detection: f.detection,
      target: f.target,
      fired: f.fired,
      injected: f.injected.length,
      stored: storedN,
      flagged,
      expected,
      firstFlagMs: firstFlagAt !== null && firstEmit !== null ? Math.max(0, firstFlagAt - firstEmit) : null,
      downstream: down.length + versions,
      downstreamFlagged: downFlagged,
      missed,
    };
  });

  const clean = { total: 0, stored: 0, flagged: 0, falseFlags: [] as { id: string; copy: number; verdicts: string[] }[] };
  for (const [handle, r] of statusOf) {
    if (r.status !== "clean") continue;
    clean.total++;
    const row = rows.get(handle);
    if (!row) continue;
    clean.stored++;
    if (isFlagged(row.verdicts)) {
      clean.flagged++;
      clean.falseFlags.push({ id: r.id, copy: r.copy, verdicts: row.verdicts });
    }
  }
  return { faults, clean, pending, missing };
}

/** The run's agents, outsiders (a spoofer's id) included: whose records to fetch. */
export function agentsOf(truth: GroundTruth): string[] {
  return [...new Set([...truth.agents.map((a) => a.id), ...truth.records.map((r) => r.agent)])];
}

/**
 * Fetches the run's records until Firebreak has them all and none is
 * pending, or until `timeoutMs`; returns what it has then.
 */
export async function fetchSettled(source: VerdictSource, truth: GroundTruth, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<StoredVerdict[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const agents = agentsOf(truth);
  for (;;) {
    const stored = await source.forAgents(agents);
    const done = stored.length >= truth.records.length && !stored.some((s) => isPending(s.verdicts));
    if (done || Date.now() >= deadline) return stored;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}
