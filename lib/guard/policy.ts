// The enforcement interface: what a guard must obey, and where that comes
// from. Today the decisions come from a LocalPolicy that the application, a
// test or the simulator mutates; later the control plane serves the same
// PolicySnapshot (as JSON, parsed with the schema below) behind the same
// PolicySource, and nothing in the guard changes. docs/guard.md and
// docs/adr/0006-guard-enforcement-interface.md describe the contract.
import { z } from "zod";
import { ACTION_CLASSES, RECORD_KINDS, type WireRecord } from "../protocol/record.ts";

/**
 * A breaker per directed edge "from->to". CLOSED lets traffic through;
 * OPEN (tripped by the engine) and FORCED_OPEN (by an operator) refuse it;
 * HALF_OPEN lets probes through (the control plane meters them, the guard
 * does not); METRICS_ONLY observes and never refuses.
 */
export const BREAKER_STATES = ["CLOSED", "OPEN", "HALF_OPEN", "FORCED_OPEN", "METRICS_ONLY"] as const;
export const BreakerState = z.enum(BREAKER_STATES);
export type BreakerState = z.infer<typeof BreakerState>;

/**
 * fresh: the snapshot is current. stale: the source has not confirmed it
 * lately but still holds it, and decisions use it. unreachable: the source
 * cannot vouch for any snapshot; the guard's fail mode decides (red actions
 * are always refused).
 */
export const POLICY_STATUSES = ["fresh", "stale", "unreachable"] as const;
export type PolicyStatus = (typeof POLICY_STATUSES)[number];

export const GuardCaps = z.object({
  /** Message deliveries (receivers, summed over messages) one record may spawn from this guard. */
  maxFanOut: z.number().int().nonnegative(),
  /** Deepest record, in hops from the human request (a request is depth 0). */
  maxChainDepth: z.number().int().nonnegative(),
});
export type GuardCaps = z.infer<typeof GuardCaps>;

export const DEFAULT_CAPS: GuardCaps = Object.freeze({ maxFanOut: 3, maxChainDepth: 5 });

/** A record as the control plane relays it; the guard still checks its signature. */
export const RelayedRecord = z.object({
  kind: z.enum(RECORD_KINDS),
  id: z.string().min(1),
  agent: z.string().min(1),
  to: z.array(z.string()).optional(),
  intent: z.string().optional(),
  protocol: z.string().optional(),
  timestamp: z.string(),
  nonce: z.string().optional(),
  payload: z.string().optional(),
  parents: z.array(z.string()).optional(),
  authority: z.array(z.string()).optional(),
  class: z.enum(ACTION_CLASSES).optional(),
  signature: z.string().optional(),
});

/** The decision on one held red action, by the id its action record will carry. */
export const ApprovalDecision = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("approved"), record: RelayedRecord }),
  z.object({ decision: z.literal("denied"), by: z.string(), reason: z.string() }),
]);
export type ApprovalDecision = { decision: "approved"; record: WireRecord } | { decision: "denied"; by: string; reason: string };

export const PolicySnapshot = z.object({
  /** Increases with every change; for logs and for ignoring an out-of-order update. */
  version: z.number().int().nonnegative(),
  killAll: z.boolean(),
  killedAgents: z.array(z.string()),
  /** "from->to". */
  killedEdges: z.array(z.string()),
  /** "key=value", or "key" for any value; matched against registry labels. */
  killedLabels: z.array(z.string()),
  /** "from->to" -> state; an edge not listed is CLOSED. */
  breakers: z.record(z.string(), BreakerState),
  caps: GuardCaps,
  /** Action record id -> decision. */
  approvals: z.record(z.string(), ApprovalDecision),
  /**
   * State keys whose current value descends from a record the engine
   * contained (or that an on-call quarantined): guards neither read nor
   * write them until an on-call lifts the quarantine. Absent from a server
   * older than this field: none.
   */
  quarantinedKeys: z.array(z.string()).default([]),
});
export interface PolicySnapshot {
  readonly version: number;
  readonly killAll: boolean;
  readonly killedAgents: readonly string[];
  readonly killedEdges: readonly string[];
  readonly killedLabels: readonly string[];
  readonly breakers: Readonly<Record<string, BreakerState>>;
  readonly caps: Readonly<GuardCaps>;
  readonly approvals: Readonly<Record<string, ApprovalDecision>>;
  readonly quarantinedKeys: readonly string[];
}

export type PolicyListener = (snapshot: PolicySnapshot, status: PolicyStatus) => void;

/** Where a guard's decisions come from. The guard reads `current()` on every operation. */
export interface PolicySource {
  current(): PolicySnapshot;
  /** Called after every change of snapshot or status; returns the unsubscribe function. */
  subscribe(listener: PolicyListener): () => void;
  status(): PolicyStatus;
}

/** What decide() looks at: the snapshot and how much to trust it. */
export interface PolicyView {
  snapshot: PolicySnapshot;
  status: PolicyStatus;
}

export function edgeKey(from: string, to: string): string {
  return `${from}->${to}`;
}

export function emptyPolicy(): PolicySnapshot {
  return freeze({
    version: 0,
    killAll: false,
    killedAgents: [],
    killedEdges: [],
    killedLabels: [],
    breakers: {},
    caps: DEFAULT_CAPS,
    approvals: {},
    quarantinedKeys: [],
  });
}

function freeze(s: PolicySnapshot): PolicySnapshot {
  Object.freeze(s.killedAgents);
  Object.freeze(s.killedEdges);
  Object.freeze(s.killedLabels);
  Object.freeze(s.breakers);
  Object.freeze(s.caps);
  Object.freeze(s.approvals);
  Object.freeze(s.quarantinedKeys);
  return Object.freeze(s);
}

const without = (list: readonly string[], item: string): string[] => list.filter((x) => x !== item);
const withItem = (list: readonly string[], item: string): string[] => (list.includes(item) ? [...list] : [...list, item]);

/**
 * What every PolicySource shares: the snapshot and status it holds, and the
 * subscribers it tells after each change (a copy of the set, so a listener
 * may unsubscribe while being told).
 */
export abstract class HeldPolicy implements PolicySource {
  private readonly listeners = new Set<PolicyListener>();

  protected constructor(
    protected snapshot: PolicySnapshot,
    protected state: PolicyStatus,
  ) {}

  current(): PolicySnapshot {
    return this.snapshot;
  }

  status(): PolicyStatus {
    return this.state;
  }

  subscribe(listener: PolicyListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  protected notify(): void {
    for (const listener of [...this.listeners]) listener(this.snapshot, this.state);
  }
}

/**
 * A PolicySource held in memory and changed by calls. Every change makes a
 * new frozen snapshot with the next version and tells the subscribers, so a
 * guard never sees a half-applied change.
 */
export class LocalPolicy extends HeldPolicy {
  constructor(initial: Partial<Omit<PolicySnapshot, "caps">> & { caps?: Partial<GuardCaps> } = {}) {
    const base = emptyPolicy();
    super(freeze({ ...base, ...initial, caps: { ...base.caps, ...initial.caps } }), "fresh");
  }

  kill(agentId: string): void {
    this.change({ killedAgents: withItem(this.snapshot.killedAgents, agentId) });
  }

  revive(agentId: string): void {
    this.change({ killedAgents: without(this.snapshot.killedAgents, agentId) });
  }

  killEdge(from: string, to: string): void {
    this.change({ killedEdges: withItem(this.snapshot.killedEdges, edgeKey(from, to)) });
  }

  reviveEdge(from: string, to: string): void {
    this.change({ killedEdges: without(this.snapshot.killedEdges, edgeKey(from, to)) });
  }

  /** "key=value", or "key" for any value of that label. */
  killLabel(selector: string): void {
    this.change({ killedLabels: withItem(this.snapshot.killedLabels, selector) });
  }

  reviveLabel(selector: string): void {
    this.change({ killedLabels: without(this.snapshot.killedLabels, selector) });
  }

  setKillAll(on: boolean): void {
    this.change({ killAll: on });
  }

  /** CLOSED removes the entry: an edge not listed is closed. */
  setBreaker(from: string, to: string, state: BreakerState): void {
    const breakers: Record<string, BreakerState> = { ...this.snapshot.breakers };
    if (state === "CLOSED") delete breakers[edgeKey(from, to)];
    else breakers[edgeKey(from, to)] = state;
    this.change({ breakers });
  }

  /** Quarantines a state key (as the engine or an on-call does on the control plane). */
  quarantine(key: string): void {
    this.change({ quarantinedKeys: withItem(this.snapshot.quarantinedKeys, key) });
  }

  liftQuarantine(key: string): void {
    this.change({ quarantinedKeys: without(this.snapshot.quarantinedKeys, key) });
  }

  setCaps(caps: Partial<GuardCaps>): void {
    this.change({ caps: { ...this.snapshot.caps, ...caps } });
  }

  /** Relays an approval record for a held action, as the control plane will. */
  approve(actionId: string, record: WireRecord): void {
    this.change({ approvals: { ...this.snapshot.approvals, [actionId]: { decision: "approved", record } } });
  }

  deny(actionId: string, by: string, reason: string): void {
    this.change({ approvals: { ...this.snapshot.approvals, [actionId]: { decision: "denied", by, reason } } });
  }

  /** Simulates the source's health: a test or the simulator can make it stale or unreachable. */
  setStatus(status: PolicyStatus): void {
    if (status === this.state) return;
    this.state = status;
    this.notify();
  }

  /** Replaces the whole snapshot (a parsed control-plane document, say); the version still only goes up. */
  replace(next: PolicySnapshot): void {
    this.snapshot = freeze({ ...next, version: Math.max(next.version, this.snapshot.version + 1) });
    this.notify();
  }

  private change(patch: Partial<PolicySnapshot>): void {
    this.snapshot = freeze({ ...this.snapshot, ...patch, version: this.snapshot.version + 1 });
    this.notify();
  }
}
