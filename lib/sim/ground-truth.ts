// The ground truth of a run: what each fault really did. Lineage and
// detection are scored against this file, so it says exactly which records
// a fault created or corrupted, where the corruption entered (origin records
// and agent), and every record that descends from it. Descent is causal, as
// the simulator knows it: a record descends from another when the agent
// used it to produce it (a message it acted on, a state version it read).
//
// Records are named by id and `copy`: copy 0 is the first record sent with
// that id, copy 1 the next (a replayed record is sent again under its own
// id), so a replay's consequences are told apart from the original's.
import { z } from "zod";
import { RECORD_KINDS } from "../protocol/record.ts";
import { FAULT_NAMES } from "./faults/catalog.ts";

export const GROUND_TRUTH_VERSION = 1;

export const RecordRef = z.strictObject({
  id: z.string().min(1),
  copy: z.number().int().nonnegative(),
});
export type RecordRef = z.infer<typeof RecordRef>;

export const StateVersionRef = z.strictObject({
  key: z.string().min(1),
  version: z.number().int().positive(),
  record: z.string().min(1),
});
export type StateVersionRef = z.infer<typeof StateVersionRef>;

export const Downstream = z.strictObject({
  messages: z.array(RecordRef),
  stateVersions: z.array(StateVersionRef),
  actions: z.array(RecordRef),
  approvals: z.array(RecordRef),
  /** state.read records: reading spreads nothing by itself, but what is read next does. */
  reads: z.array(RecordRef),
});
export type Downstream = z.infer<typeof Downstream>;

export const FaultTruth = z.strictObject({
  /** f1, f2, ... in schedule order. */
  id: z.string().min(1),
  fault: z.enum(FAULT_NAMES),
  variant: z.string(),
  detection: z.enum(["door", "engine"]),
  /** Door faults: every injected record must carry one of these. */
  expectedVerdicts: z.array(z.string()),
  target: z.string(),
  /** Simulated ms. */
  at: z.number().nonnegative(),
  until: z.number().nonnegative().nullable(),
  /** False when the fault never found anything to act on (the target was idle, say). */
  fired: z.boolean(),
  /** Records the fault made (an attacker's, a replayed copy, a forged one). */
  injected: z.array(RecordRef),
  /** Genuine records whose content the fault changed (values from a poisoned feed, an amplified signal). */
  corrupted: z.array(RecordRef),
  origin: z.strictObject({
    /** The agent id the corruption entered under (the claimed sender for a spoof or a stolen key). */
    agent: z.string(),
    /** Who really did it: "attacker", "feed:<name>", or an agent id. */
    actor: z.string(),
    /** Injected or corrupted records with no tainted parent: where it entered. */
    records: z.array(RecordRef),
  }),
  downstream: Downstream,
  notes: z.array(z.string()),
});
export type FaultTruth = z.infer<typeof FaultTruth>;

export const TruthRecord = z.strictObject({
  id: z.string().min(1),
  copy: z.number().int().nonnegative(),
  kind: z.enum(RECORD_KINDS),
  agent: z.string(),
  intent: z.string().nullable(),
  /** Simulated ms at emission. */
  simTime: z.number().nonnegative(),
  parents: z.array(z.string()),
  /** "clean": no fault touched it or its ancestry; "injected"/"corrupted": a fault made or changed it; "downstream": descends from one. */
  status: z.enum(["clean", "injected", "corrupted", "downstream"]),
  /** Faults this record was made or changed by, or descends from. */
  faults: z.array(z.string()),
});
export type TruthRecord = z.infer<typeof TruthRecord>;

export const TruthAgent = z.strictObject({
  id: z.string(),
  role: z.string(),
  kind: z.enum(["agent", "gateway", "approver"]),
});
export type TruthAgent = z.infer<typeof TruthAgent>;

export const GroundTruth = z.strictObject({
  version: z.literal(GROUND_TRUTH_VERSION),
  scenario: z.string(),
  seed: z.string(),
  /** Prefixes agent ids, so runs against one Firebreak do not collide. */
  namespace: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  clock: z.strictObject({
    mode: z.enum(["live", "virtual"]),
    /** Simulated ms per real ms; null when unpaced. */
    speed: z.number().positive().nullable(),
    /** Virtual mode: epoch ms of simulated time 0. */
    anchor: z.number().nullable(),
  }),
  /** Simulated ms the run covered. */
  duration: z.number().nonnegative(),
  /** Wall clock of the run (live) or of the virtual timeline, RFC 3339. */
  startedAt: z.string(),
  finishedAt: z.string(),
  agents: z.array(TruthAgent),
  faults: z.array(FaultTruth),
  records: z.array(TruthRecord),
  counts: z.strictObject({
    records: z.number().int().nonnegative(),
    clean: z.number().int().nonnegative(),
    injected: z.number().int().nonnegative(),
    corrupted: z.number().int().nonnegative(),
    downstream: z.number().int().nonnegative(),
    /** Operations an agent's guard refused (breaker, cap, kill), by refusal code. */
    refused: z.record(z.string(), z.number().int().nonnegative()),
  }),
});
export type GroundTruth = z.infer<typeof GroundTruth>;

/** The part of a ground truth that a seed must reproduce exactly: everything but the wall-clock times. */
export function reproducible(truth: GroundTruth): Omit<GroundTruth, "startedAt" | "finishedAt"> {
  const { startedAt: _s, finishedAt: _f, ...rest } = truth;
  return rest;
}
