// The simulated world: agents (each a thin adapter over its own guard), the
// message bus between them, shared memory, feeds, human approvers, and the
// event loop that runs it all in simulated time. Everything an agent emits
// goes through its guard (signed, self-checked, emitted as a span) and into
// the ledger with what caused it. Everything an agent receives goes through
// its guard's receive() first; with receiveMode "enforce" an agent drops what
// its guard refuses, with "observe" it acts on it anyway (an agent that logs
// its guard's verdicts but does not obey them), so door-level faults spread.
import {
  createGuard,
  GuardRefusal,
  seededRandom,
  type ActionHandle,
  type ApprovalRequest,
  type Guard,
  type LineageGate,
  type LineageSource,
  type PolicySource,
} from "../guard/index.ts";
import type { ActionClass, WireRecord } from "../protocol/record.ts";
import type { SimClock } from "./clock.ts";
import type { Fleet, AgentSpec } from "./fleet.ts";
import { Feeds } from "./feeds.ts";
import { Ledger } from "./ledger.ts";
import { SharedMemory } from "./memory.ts";
import type { Prng } from "./prng.ts";
import type { SimApprovals } from "./server-approvals.ts";
import type { Scheduler } from "./scheduler.ts";
import type { RecordSink } from "./sink.ts";
import { chainOf, type Cause, type Emission, type JsonValue } from "./world-types.ts";

export type ReceiveMode = "enforce" | "observe";

export interface SendDraft {
  to: string[];
  intent: string;
  payload: JsonValue;
  cause: Cause;
}

/** A fault's hook on an agent's next messages. Return what was sent in place of the draft (null: nothing reached the receivers). */
export type SendInterceptor = (agent: SimAgent, draft: SendDraft, proceed: (d: SendDraft) => Emission | null) => Emission | null;

export interface Behaviour {
  /** A message this agent accepted (or, in observe mode, received). */
  onMessage?(agent: SimAgent, message: Emission): void | Promise<void>;
}

export interface WorldOptions {
  fleet: Fleet;
  seed: string;
  clock: SimClock;
  scheduler: Scheduler;
  prng: Prng;
  sink: RecordSink;
  policy: PolicySource;
  receiveMode: ReceiveMode;
  /** Skew window the guards judge received records with (the collector's). */
  skewMs: number;
  /** Simulated delivery latency, ms. */
  latency?: readonly [number, number];
  /** How long a human takes to approve a red action, simulated ms. */
  approvalDelay?: readonly [number, number];
  /** Red actions go through a Firebreak approval queue instead of the simulated approver. */
  serverApprovals?: SimApprovals;
  /** The control plane's lineage gate for every guard (GuardOptions.lineage, lineageGate). */
  lineage?: { source: LineageSource; gate?: LineageGate };
}

export class World {
  readonly fleet: Fleet;
  readonly seed: string;
  readonly clock: SimClock;
  readonly scheduler: Scheduler;
  readonly prng: Prng;
  readonly sink: RecordSink;
  readonly policy: PolicySource;
  readonly receiveMode: ReceiveMode;
  readonly skewMs: number;
  readonly ledger = new Ledger();
  readonly memory = new SharedMemory();
  readonly feeds = new Feeds(this.memory);
  readonly agents = new Map<string, SimAgent>();
  readonly behaviours = new Map<string, Behaviour>();
  /** Guard refusals by code: held by a breaker, a kill, a cap, a failed verification. */
  readonly refusals: Record<string, number> = {};
  /** Deliveries to a crashed agent. */
  dropped = 0;
  /** Who approves red actions. */
  approverId: string | null = null;
  /** Wall-clock emission time (ms) per handle: for time-to-flag, never written to the ground truth. */
  readonly emittedAt = new Map<string, number>();
  private readonly latency: readonly [number, number];
  private readonly approvalDelay: readonly [number, number];
  private readonly busPrng: Prng;
  private stopAt = Infinity;
  readonly serverApprovals: SimApprovals | null;
  readonly lineage: { source: LineageSource; gate?: LineageGate } | null;
  /** Red actions waiting in the server's queue, in real time, outside the scheduler. */
  private readonly held = new Set<Promise<void>>();

  constructor(options: WorldOptions) {
    this.fleet = options.fleet;
    this.seed = options.seed;
    this.clock = options.clock;
    this.scheduler = options.scheduler;
    this.prng = options.prng;
    this.sink = options.sink;
    this.policy = options.policy;
    this.receiveMode = options.receiveMode;
    this.skewMs = options.skewMs;
    this.latency = options.latency ?? [50, 800];
    this.approvalDelay = options.approvalDelay ?? [60_000, 300_000];
    this.busPrng = options.prng.fork("bus");
    this.serverApprovals = options.serverApprovals ?? null;
    this.lineage = options.lineage ?? null;
    for (const spec of this.fleet.specs) this.agents.set(spec.id, new SimAgent(this, spec));
  }

  agent(idOrRole: string): SimAgent {
    const a = this.agents.get(idOrRole) ?? this.agents.get(this.fleet.byRole.get(idOrRole)?.id ?? "");
    if (!a) throw new Error(`no agent ${idOrRole} in this fleet (roles: ${[...this.fleet.byRole.keys()].slice(0, 12).join(", ")}${this.fleet.byRole.size > 12 ? ", ..." : ""})`);
    return a;
  }

  /** The agent for a role or id, or undefined. */
  find(idOrRole: string): SimAgent | undefined {
    return this.agents.get(idOrRole) ?? this.agents.get(this.fleet.byRole.get(idOrRole)?.id ?? "");
  }

  behave(idOrRole: string, behaviour: Behaviour): void {
    this.behaviours.set(this.agent(idOrRole).id, behaviour);
  }

  now(): number {
    return this.clock.now();
  }

  at(simMs: number, label: string, run: () => void | Promise<void>): void {
    if (simMs > this.stopAt) return;
    this.scheduler.at(simMs, label, run);
  }

  after(delayMs: number, label: string, run: () => void | Promise<void>): void {
    this.at(this.now() + delayMs, label, run);
  }

  /** Runs `run(n)` at start, start + period, ... (n = 0, 1, ...) until the run ends. */
  every(start: number, period: number, label: string, run: (n: number) => void | Promise<void>): void {
    const step = (n: number): void => {
      this.at(start + n * period, `${label} #${n}`, async () => {
        step(n + 1);
        await run(n);
      });
    };
    step(0);
  }

  /** Records an emission in the ledger and hands it to the bus. */
  note(record: WireRecord, meta: { from: readonly Emission[]; corruptedBy?: readonly string[]; injectedBy?: readonly string[]; state?: { key: string; version: number } }): Emission {
    const entry = this.ledger.add(record, {
      simTime: this.now(),
      inputs: meta.from.map((e) => e.handle),
      ...(meta.corruptedBy ? { corruptedBy: meta.corruptedBy } : {}),
      ...(meta.injectedBy ? { injectedBy: meta.injectedBy } : {}),
      ...(meta.state ? { state: meta.state } : {}),
    });
    this.emittedAt.set(entry.handle, this.clock.wallNow());
    return { record, handle: entry.handle };
  }

  noteRefusal(code: string): void {
    this.refusals[code] = (this.refusals[code] ?? 0) + 1;
  }

  /** Delivers a message to each receiver after a simulated network delay. */
  deliver(message: Emission, to: readonly string[]): void {
    for (const receiver of to) {
      const delay = Math.round(this.busPrng.range(this.latency[0], this.latency[1]));
      this.after(delay, `deliver ${message.record.id} -> ${receiver}`, () => this.arrive(message, receiver));
    }
  }

  private async arrive(message: Emission, receiverId: string): Promise<void> {
    const receiver = this.agents.get(receiverId);
    if (!receiver) return;
    if (receiver.crashed()) {
      this.dropped++;
      receiver.dropped++;
      return;
    }
    const receipt = receiver.guard.receive(message.record, this.depthHint(message.record));
    if (!receipt.accepted && this.receiveMode === "enforce") return;
    receiver.lastReceived = message;
    await this.behaviours.get(receiver.id)?.onMessage?.(receiver, message);
  }

  /** The sender's depth figure, carried beside the record as a transport would (docs/guard.md, Depth). */
  private depthHint(rec: WireRecord): { depthHint?: number } {
    const depth = this.agents.get(rec.agent)?.guard.depthOf(rec.id);
    return depth === undefined ? {} : { depthHint: depth };
  }

  /**
   * A red action waits for a human: the approver sees the request after a
   * think time, signs an approval, and the approval travels back to the
   * acting agent's guard, which then emits the action.
   */
  routeApproval(agent: SimAgent, handle: ActionHandle, request: ApprovalRequest, cause: Cause, onDone?: (action: Emission) => void | Promise<void>): void {
    if (this.serverApprovals !== null) {
      // The guard filed it with the server; it resolves when an on-call (or the auto-approver) decides.
      const waiting = handle.then(
        async (rec) => {
          const action = this.note(rec, { from: cause.from, ...marks(cause) });
          await onDone?.(action);
        },
        (err: unknown) => {
          if (!(err instanceof GuardRefusal)) throw err;
        },
      );
      this.held.add(waiting);
      void waiting.finally(() => this.held.delete(waiting));
      return;
    }
    const approverId = this.approverId;
    if (approverId === null) return;
    const delay = Math.round(this.busPrng.range(this.approvalDelay[0], this.approvalDelay[1]));
    this.after(delay, `approve ${request.action}`, () => {
      const approver = this.agents.get(approverId);
      if (!approver || approver.crashed()) return;
      const approval = approver.approve(request, cause);
      if (approval === null) return;
      const back = Math.round(this.busPrng.range(this.latency[0], this.latency[1]));
      this.after(back, `approval ${approval.record.id} -> ${agent.id}`, async () => {
        if (agent.crashed()) {
          this.dropped++;
          agent.dropped++;
          return;
        }
        const receipt = agent.guard.receive(approval.record, this.depthHint(approval.record));
        if (!receipt.accepted) return;
        await this.settleAction(handle, [...cause.from, approval], cause, onDone);
      });
    });
  }

  /**
   * Notes an action once its guard lets it run (an approval, a lineage
   * check). Paced, the wait happens in real time beside the event loop, as
   * an agent's wait would while the rest of the fleet runs on; unpaced (a
   * warm-up), simulated time stands still while the control plane answers.
   * Null: refused, or still waiting (paced).
   */
  async settleAction(handle: Promise<WireRecord>, from: readonly Emission[], cause: Cause, onDone?: (action: Emission) => void | Promise<void>): Promise<Emission | null> {
    const run = async (): Promise<Emission | null> => {
      let rec: WireRecord;
      try {
        // What the action descends from must reach Firebreak before the control plane can judge it: export now,
        // as each agent's own exporter would within its batch delay.
        await this.sink.flush();
        rec = await handle;
      } catch (err) {
        if (!(err instanceof GuardRefusal)) throw err;
        return null;
      }
      const action = this.note(rec, { from, ...marks(cause) });
      await onDone?.(action);
      return action;
    };
    if (!this.clock.paced()) return run();
    const waiting = run().then(() => {});
    this.held.add(waiting);
    void waiting.finally(() => this.held.delete(waiting));
    return null;
  }

  /** Until every red action held in the server's queue is decided (or refused). */
  async settleHeld(): Promise<void> {
    while (this.held.size > 0) await Promise.allSettled([...this.held]);
    await this.serverApprovals?.idle();
  }

  /** Stops queueing events after `simMs`. */
  stopAfter(simMs: number): void {
    this.stopAt = simMs;
  }

  async shutdown(): Promise<void> {
    for (const a of this.agents.values()) await a.shutdown();
  }
}

/**
 * One simulated agent: a thin adapter over its guard. It adds what the
 * simulation needs around each guard call (the ledger, the bus, faults'
 * interceptors) and nothing the guard already does.
 */
export class SimAgent {
  readonly spec: AgentSpec;
  readonly id: string;
  readonly role: string;
  readonly guard: Guard;
  readonly prng: Prng;
  /** Faults' hooks on the next messages, first registered runs outermost. */
  readonly interceptors: SendInterceptor[] = [];
  lastSent: Emission | null = null;
  lastReceived: Emission | null = null;
  /** Simulated time the agent comes back; Infinity: never. Null: running. */
  crashedUntil: number | null = null;
  /** Deliveries that found this agent crashed. */
  dropped = 0;
  /** feedback-loop fault: how strongly the agent weighs what it reads back. */
  loopGain: { factor: number; faultId: string; until: number } | null = null;
  private rogueGuard: Guard | null = null;

  constructor(
    private readonly world: World,
    spec: AgentSpec,
  ) {
    this.spec = spec;
    this.id = spec.id;
    this.role = spec.role;
    this.prng = world.prng.fork(`agent:${spec.id}`);
    this.guard = this.makeGuard(true, "guard");
  }

  private makeGuard(selfCheck: boolean, stream: string): Guard {
    const key = this.world.fleet.keys.get(this.id);
    if (!key) throw new Error(`no key for ${this.id}`);
    return createGuard({
      agentId: this.id,
      keys: { keyId: key.keyId, privateKey: key.signingKey },
      registry: this.world.serverApprovals?.registry(this.world.fleet.snapshot) ?? this.world.fleet.snapshot,
      policy: this.world.policy,
      // The rogue twin never files approvals: faults use it for what it sends, not for red actions.
      ...(this.world.serverApprovals !== null && stream === "guard" ? { approvals: this.world.serverApprovals.source } : {}),
      ...(this.world.lineage !== null ? { lineage: this.world.lineage.source, ...(this.world.lineage.gate ? { lineageGate: this.world.lineage.gate } : {}) } : {}),
      tracer: this.world.sink.tracer,
      clock: () => this.world.clock.stamp(),
      random: seededRandom(`${this.world.seed}/${this.id}/${stream}`),
      store: this.world.memory.store,
      skewMs: this.world.skewMs,
      // The approval flow is simulated time; let held actions wait as long as the run needs.
      approvalTimeoutMs: 7 * 24 * 3_600_000,
      selfCheck,
      onRefusal: (refusal) => this.world.noteRefusal(refusal.code),
    });
  }

  /**
   * The same agent with its guard's self-check off: what a misconfigured or
   * subverted agent sends (a downgraded transport, a grant it lacks). Faults
   * use it; it signs with the agent's real key.
   */
  rogue(): Guard {
    this.rogueGuard ??= this.makeGuard(false, "rogue");
    return this.rogueGuard;
  }

  crashed(): boolean {
    if (this.crashedUntil === null) return false;
    if (this.world.now() >= this.crashedUntil) {
      this.crashedUntil = null;
      return false;
    }
    return true;
  }

  /** The gain the feedback-loop fault imposes now, with the fault to blame, or the normal weight. */
  gain(normal: number): { weight: number; corruptedBy: string[] } {
    const g = this.loopGain;
    if (g === null || this.world.now() >= g.until) return { weight: normal, corruptedBy: [] };
    return { weight: g.factor, corruptedBy: [g.faultId] };
  }

  private links(cause: Cause): { parents: string[]; authority: string[] } {
    const parents = [...new Set(cause.from.map((e) => e.record.id))];
    const first = cause.from[0];
    const authority = cause.authority ? [...cause.authority] : first ? chainOf(first.record) : [];
    return { parents, authority };
  }

  /** Runs a guard call, counting a refusal instead of throwing it. */
  private guarded<T>(fn: () => T): T | null {
    try {
      return fn();
    } catch (err) {
      if (err instanceof GuardRefusal) return null;
      throw err;
    }
  }

  request(text: string, intent: string, payload: JsonValue): Emission | null {
    if (this.crashed()) return null;
    const rec = this.guarded(() => this.guard.request(text, { intent, payload }));
    return rec === null ? null : this.world.note(rec, { from: [] });
  }

  /** Sends a message through the fault interceptors, then the guard; the bus delivers it. */
  send(to: string | readonly string[], intent: string, payload: JsonValue, cause: Cause): Emission | null {
    if (this.crashed()) return null;
    const draft: SendDraft = { to: typeof to === "string" ? [to] : [...to], intent, payload, cause };
    const chain = [...this.interceptors];
    const run = (i: number, d: SendDraft): Emission | null => {
      const hook = chain[i];
      return hook === undefined ? this.sendNow(d) : hook(this, d, (next) => run(i + 1, next));
    };
    return run(0, draft);
  }

  /**
   * Sends exactly this draft, no interceptors: through the agent's guard, or
   * through `via` (its rogue twin, say) with an optional transport override.
   */
  sendNow(d: SendDraft, via: { guard?: Guard; protocol?: string } = {}): Emission | null {
    const { parents, authority } = this.links(d.cause);
    const guard = via.guard ?? this.guard;
    const rec = this.guarded(() => guard.send(d.to, d.intent, d.payload, { parents, authority, ...(via.protocol ? { protocol: via.protocol } : {}) }));
    if (rec === null) return null;
    const emission = this.world.note(rec, { from: d.cause.from, ...marks(d.cause) });
    this.lastSent = emission;
    this.world.deliver(emission, d.to);
    return emission;
  }

  /**
   * Performs an action. Green and yellow ones are emitted now; a red one is
   * held by the guard until a human approves it, and `onDone` runs then.
   */
  async act(name: string, actionClass: ActionClass, args: JsonValue, cause: Cause, onDone?: (action: Emission) => void | Promise<void>): Promise<Emission | null> {
    if (this.crashed()) return null;
    const { parents, authority } = this.links(cause);
    const handle = this.guard.act(name, actionClass, args, { parents, authority });
    // A hold can be cut off at shutdown; nobody may be left with an unhandled rejection.
    handle.catch(() => {});
    if (actionClass === "red" && handle.approvalRequest !== null) {
      this.world.routeApproval(this, handle, handle.approvalRequest, cause, onDone);
      return null;
    }
    if (handle.gated) return this.world.settleAction(handle, cause.from, cause, onDone);
    let rec: WireRecord;
    try {
      rec = await handle;
    } catch (err) {
      if (err instanceof GuardRefusal) return null;
      throw err;
    }
    const emission = this.world.note(rec, { from: cause.from, ...marks(cause) });
    await onDone?.(emission);
    return emission;
  }

  write(key: string, value: JsonValue, cause: Cause): Emission | null {
    if (this.crashed()) return null;
    const { parents, authority } = this.links(cause);
    const rec = this.guarded(() => this.guard.writeState(key, value, { parents, authority }));
    if (rec === null) return null;
    return this.noteWrite(rec, key, cause.from, cause.corruptedBy, cause.injectedBy);
  }

  /** Books a state.write made by any guard (this agent's or its rogue twin). */
  noteWrite(rec: WireRecord, key: string, from: readonly Emission[], corruptedBy?: readonly string[], injectedBy?: readonly string[]): Emission {
    const version = (this.world.memory.version(key)?.version ?? 0) + 1;
    const emission = this.world.note(rec, {
      from,
      state: { key, version },
      ...(corruptedBy?.length ? { corruptedBy } : {}),
      ...(injectedBy?.length ? { injectedBy } : {}),
    });
    this.world.memory.wrote(key, emission);
    return emission;
  }

  /**
   * Reads a key. The read names the write it saw among its parents (the
   * exact version, so lineage needs no inference from timestamps), and a
   * feed poisoned at the source corrupts the read.
   */
  read(key: string, cause: Cause): { value: unknown; emission: Emission } | null {
    if (this.crashed()) return null;
    const seen = this.world.memory.version(key);
    const from = seen?.writer ? [...cause.from, seen.writer] : [...cause.from];
    const { authority } = this.links(cause);
    const parents = [...new Set(from.map((e) => e.record.id))];
    const got = this.guarded(() => this.guard.readState(key, { parents, authority }));
    if (got === null) return null;
    const corruptedBy = [...(cause.corruptedBy ?? []), ...(seen?.taintedBy ?? [])];
    const emission = this.world.note(got.record, { from, ...marks({ ...cause, corruptedBy }) });
    return { value: got.value, emission };
  }

  approve(request: ApprovalRequest, cause: Cause): Emission | null {
    const rec = this.guarded(() => this.guard.approve(request));
    return rec === null ? null : this.world.note(rec, { from: cause.from });
  }

  async shutdown(): Promise<void> {
    await this.guard.shutdown();
    await this.rogueGuard?.shutdown();
  }
}

/** The ledger marks a cause carries, without empty lists. */
function marks(cause: Cause): { corruptedBy?: readonly string[]; injectedBy?: readonly string[] } {
  return {
    ...(cause.corruptedBy?.length ? { corruptedBy: cause.corruptedBy } : {}),
    ...(cause.injectedBy?.length ? { injectedBy: cause.injectedBy } : {}),
  };
}
