// Ground-truth fixtures for the scoring tests: a record, a fault and a run's
// truth, each with plain defaults a test overrides.
import type { FaultTruth, GroundTruth, TruthRecord } from "@/lib/sim/ground-truth.ts";

export type TruthRec = Partial<TruthRecord> & Pick<TruthRecord, "id">;

export const truthRecord = (r: TruthRec): TruthRecord => ({ copy: 0, kind: "message", agent: "n.a", intent: null, simTime: 0, parents: [], status: "clean", faults: [], ...r });

/** A fault that fired: by default a spoof the door catches, its origin the injected record `o`. */
export const faultTruth = (over: Partial<FaultTruth> = {}): FaultTruth => ({
  id: "f1",
  fault: "spoof",
  variant: "unregistered",
  detection: "door",
  expectedVerdicts: [],
  target: "n.a",
  at: 0,
  until: null,
  fired: true,
  injected: [{ id: "o", copy: 0 }],
  corrupted: [],
  origin: { agent: "n.a", actor: "attacker", records: [{ id: "o", copy: 0 }] },
  downstream: { messages: [], stateVersions: [], actions: [], approvals: [], reads: [] },
  notes: [],
  ...over,
});

/** A run's truth holding these records and faults (counts: only the record total, unless given). */
export const groundTruth = (records: TruthRecord[], faults: FaultTruth[], over: Partial<GroundTruth> = {}): GroundTruth => ({
  version: 1,
  scenario: "procurement",
  seed: "s",
  namespace: "n",
  params: {},
  clock: { mode: "virtual", speed: null, anchor: 0 },
  duration: 0,
  startedAt: "2026-01-01T00:00:00Z",
  finishedAt: "2026-01-01T00:00:00Z",
  agents: [],
  faults,
  records,
  counts: { records: records.length, clean: 0, injected: 0, corrupted: 0, downstream: 0, refused: {} },
  ...over,
});
