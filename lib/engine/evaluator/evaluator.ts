// The engine's evaluation loop against the database. Each pass, in one
// transaction under an advisory lock (so any number of collectors can run it
// and exactly one does the work at a time):
//   read the records stored since the cursor -> evaluate (detectors, caps,
//   verification findings) -> store findings -> step the breakers of every
//   edge the messages crossed -> move the cursor -> COMMIT.
// A process that dies mid-pass rolls all of it back, so no failure is counted
// twice and no breaker transition is lost. Incident grouping runs after the
// commit, on the findings the pass stored.
import type pg from "pg";
import { withTransaction } from "../../db/ingest-store.ts";
import type { HeldReads } from "./evaluate-batch.ts";
import { appendEvidenceToMany, insertFindings, lockBreakers, saveBreakers } from "../../db/engine-store.ts";
import { agentHistory, knownEdges, readCursors, recordsAfter, settledAfter, storedDepths, tryEngineLock, writeCursors, type EngineCursor } from "../../db/evaluator-store.ts";
import { BreakerPolicy, type Edge } from "../breaker/config.ts";
import { contextFor, loadBreakerSettings, tickBreakers, type BreakerSettings } from "../breaker/breaker-runner.ts";
import { observe, type EdgeTransition, type ObservedRecord } from "../breaker/edge-breakers.ts";
import { capKey, PER_CYCLE_CAPS } from "../caps/caps.ts";
import { ChainDepth } from "./chain-depth.ts";
import { EngineParams, type ScoredFinding } from "./evaluate-batch.ts";
import { DEFAULT_HISTORY, HistoryCache, type HistoryCacheOptions } from "./history-cache.ts";
import { AgentGraph } from "./impact.ts";
import { judgeInSlices, LOOP_WINDOW_MS } from "./judge-pass.ts";
import { LagStats } from "./lag-stats.ts";
import { DEFAULT_PROJECT } from "../../accounts/project.ts";
import { quarantineKeys, refusingEdges } from "../../db/engine-store.ts";
import { containedSeeds, ContainedSet, containState } from "../containment/contained-state.ts";

export const CURSOR_NAME = "engine";

type EvalRecordLike = { recordId: string; kind: string; intent: string | null; parents: readonly string[]; verified: boolean; verdicts: readonly string[] };
/** Where the loop has got to among records settled after a `pending` verdict. */
export const SETTLED_CURSOR_NAME = "engine.settled";

export interface EvaluatorOptions {
  /** The project this evaluator judges: its records, breakers, history and baselines only (default: default). */
  project?: string;
  params?: EngineParams;
  policy?: BreakerPolicy;
  /** Records per pass. */
  batchSize?: number;
  history?: HistoryCacheOptions;
  /** How far back the feedback-loop detector looks across agents. */
  loopWindowMs?: number;
  /** Called with the ids of the findings a pass stored, after it commits. */
  onFindings?: (ids: string[], project: string) => Promise<void>;
  now?: () => number;
  log?: (line: string) => void;
}

export interface PassResult {
  /** False when another process holds the engine lock. */
  ran: boolean;
  records: number;
  findings: ScoredFinding[];
  findingIds: string[];
  transitions: EdgeTransition[];
  /** State keys this pass quarantined (contained-state.ts). */
  quarantined: number;
}

export class Evaluator {
  readonly lag = new LagStats();
  /**
   * Where passes spend their time, ms: reading (records, history, depths),
   * judging (pure), writing (findings, breakers, cursors; the commit is the
   * rest of the pass) and the whole pass; of writing, the findings with
   * their evidence and the breakers.
   */
  readonly timing = { passes: 0, readMs: 0, judgeMs: 0, writeMs: 0, passMs: 0, maxPassMs: 0, findingsMs: 0, breakersMs: 0, slowest: null as PassTiming | null };
  /** This pass's share of `timing`, so the slowest pass can say where its time went. */
  private current: PassTiming = newPassTiming();
  readonly project: string;
  private readonly params: EngineParams;
  private readonly policy: BreakerPolicy;
  private readonly batchSize: number;
  private readonly loopWindowMs: number;
  private readonly cache: HistoryCache;
  private readonly depth = new ChainDepth();
  private readonly graph = new AgentGraph();
  private readonly lastReported = new Map<string, number>();
  /** The stored finding each per-cycle cap is cooling down after, by capKey: records over the limit meanwhile join its evidence. */
  private readonly coolingFindings = new Map<string, string>();
  /**
   * Outside reads held back from a deviation's evidence until its record's
   * siblings are seen (ADR 0050), by the deviating record, with the stored
   * finding they would join. Kept in memory: a restart names none of them.
   */
  private readonly heldReads = new Map<string, { hold: HeldReads; findingId: string }>();
  /** Records the engine contained and their descendants judged since, for state quarantine (contained-state.ts). */
  private readonly contained = new ContainedSet();
  private settings: BreakerSettings | null = null;
  private settingsAt = 0;
  private graphLoaded = false;
  /** The cursor this process's caches are in step with; another process moving it means they are stale. */
  private knownCursor: EngineCursor | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: EvaluatorOptions = {},
  ) {
    this.project = options.project ?? DEFAULT_PROJECT;
    this.params = options.params ?? EngineParams.parse({});
    this.policy = options.policy ?? BreakerPolicy.parse({});
    this.batchSize = options.batchSize ?? 2_000;
    this.loopWindowMs = options.loopWindowMs ?? LOOP_WINDOW_MS;
    this.cache = new HistoryCache(options.history ?? DEFAULT_HISTORY);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Red-action reachability for the review rule; refreshed once a minute, not per pass. */
  private async breakerSettings(): Promise<BreakerSettings> {
    const now = this.now();
    if (!this.settings || now - this.settingsAt > 60_000) {
      this.settings = await loadBreakerSettings(this.pool, this.project, this.policy, new Date(now - 7 * 86_400_000));
      this.settingsAt = now;
    }
    return this.settings;
  }

  /** One pass over at most `batchSize` new records. */
  async pass(): Promise<PassResult> {
    const started = performance.now();
    this.current = newPassTiming();
    try {
      const res = await this.passOnce();
      this.current.records = res.records;
      this.current.findings = res.findings.length;
      return res;
    } finally {
      const ms = performance.now() - started;
      this.timing.passes++;
      this.timing.passMs += ms;
      if (ms > this.timing.maxPassMs) this.timing.slowest = { ...this.current, passMs: ms, ordinal: this.timing.passes };
      this.timing.maxPassMs = Math.max(this.timing.maxPassMs, ms);
    }
  }

  private async passOnce(): Promise<PassResult> {
    const settings = await this.breakerSettings();
    if (!this.graphLoaded) {
      for (const e of await knownEdges(this.pool, this.project)) this.graph.addEdge(e.sender, e.receiver);
      this.graphLoaded = true;
    }
    // Set once the history cache has learned records of this pass: if the pass
    // then fails, the cache holds records the cursor never moved past.
    let taught = false;
    const reading = performance.now();
    const result = await withTransaction(this.pool, async (tx): Promise<PassResult & { cursor: EngineCursor; received: number[]; keep: () => void }> => {
      const none = { ran: false, records: 0, findings: [], findingIds: [], transitions: [], quarantined: 0, cursor: { txId: "0", seq: "0" }, received: [], keep: () => {} };
      if (!(await tryEngineLock(tx, this.project))) return none;
      const [cursor, settledCursor] = (await readCursors(tx, this.project, [CURSOR_NAME, SETTLED_CURSOR_NAME])) as [EngineCursor, EngineCursor];
      if (this.knownCursor && (this.knownCursor.txId !== cursor.txId || this.knownCursor.seq !== cursor.seq)) {
        this.resetCaches();
        // Edges the other process met while it held the lock count toward reach.
        for (const e of await knownEdges(tx, this.project)) this.graph.addEdge(e.sender, e.receiver);
      }
      const recent = await recordsAfter(tx, this.project, cursor, this.batchSize);
      const settled = await settledAfter(tx, this.project, settledCursor, this.batchSize);
      // Both cursors move in one statement at the end of the pass.
      const moved = new Map<string, EngineCursor>();
      if (settled.length > 0) {
        const lastSettled = settled[settled.length - 1]!;
        moved.set(SETTLED_CURSOR_NAME, { txId: lastSettled.settledTxId, seq: lastSettled.seq });
      }
      const settledObserved = settled
        .filter((r) => r.kind === "message" && r.receivers.length > 0)
        .map((r): ObservedRecord => ({ recordId: r.recordId, agent: r.agent, receivers: r.receivers, at: r.at, verified: r.verified, verdicts: r.verdicts, anomalous: r.anomalous }));
      if (recent.length === 0) {
        const transitions = await this.stepBreakers(tx, settledObserved, settings);
        await writeCursors(tx, this.project, moved);
        this.knownCursor = cursor;
        return { ...none, ran: true, cursor, transitions };
      }

      const agents = new Set(recent.map((r) => r.agent));
      const cold = this.cache.unloaded(agents);
      if (cold.length > 0) {
        const since = new Date(Math.min(...recent.map((r) => r.at)) - (this.options.history ?? DEFAULT_HISTORY).maxAgeMs);
        const rows = await agentHistory(tx, this.project, cold, cursor, since, (this.options.history ?? DEFAULT_HISTORY).maxPerAgent);
        const byAgent = new Map<string, typeof rows>(cold.map((a) => [a, []]));
        for (const r of rows) byAgent.get(r.agent)?.push(r);
        for (const [agent, list] of byAgent) this.cache.load(agent, list);
      }
      const missing = this.depth.missingParents(recent);
      if (missing.length > 0) {
        const maxHops = (this.params.caps.maxDepth ?? 5) + 1;
        for (const [id, d] of await storedDepths(tx, this.project, missing, maxHops)) this.depth.remember(id, d);
      }
      const depths = this.depth.assign(recent);

      const judging = performance.now();
      this.timing.readMs += judging - reading;
      this.current.readMs = judging - reading;
      // Judged in slices, each taught to the cache before the next (see judgeInSlices).
      taught = true;
      const batch = judgeInSlices({
        cache: this.cache,
        recent,
        depthOf: (id) => depths.get(id) ?? this.depth.get(id) ?? null,
        graph: this.graph,
        lastReported: this.lastReported,
        params: this.params,
        loopWindowMs: this.loopWindowMs,
        holding: [...this.heldReads.values()].map((h) => h.hold),
      });
      const writing = performance.now();
      this.timing.judgeMs += writing - judging;
      this.current.judgeMs = writing - judging;

      const findingIds = await insertFindings(tx, this.project, batch.findings);
      const cooling = new Map<string, string>();
      batch.findings.forEach((f, i) => {
        if (f.agent !== null && PER_CYCLE_CAPS.has(f.detector)) cooling.set(capKey(f.agent, f.detector), findingIds[i]!);
      });
      const evidence = new Map<string, string[]>();
      for (const [key, ids] of batch.cooledOver) {
        const id = this.coolingFindings.get(key);
        if (id !== undefined) evidence.set(id, [...(evidence.get(id) ?? []), ...ids]);
      }
      for (const [recordId, reads] of batch.released) {
        const id = this.heldReads.get(recordId)?.findingId;
        if (id !== undefined) evidence.set(id, [...(evidence.get(id) ?? []), ...reads]);
      }
      const held = batch.held.flatMap((h) => {
        const i = h.finding ? batch.findings.findIndex((f) => f === h.finding) : -1;
        return i >= 0 ? [{ hold: { ...h, finding: undefined }, findingId: findingIds[i]! }] : [];
      });
      await appendEvidenceToMany(tx, this.project, evidence);
      const breaking = performance.now();
      this.timing.findingsMs += breaking - writing;
      this.current.findingsMs = breaking - writing;
      const transitions = await this.stepBreakers(tx, [...batch.observed, ...settledObserved], settings);
      this.current.breakersMs = performance.now() - breaking;
      this.timing.breakersMs += this.current.breakersMs;
      const quarantined = await this.containState(tx, recent, batch.observed);
      const last = recent[recent.length - 1]!;
      const next = { txId: last.txId, seq: last.seq };
      moved.set(CURSOR_NAME, next);
      await writeCursors(tx, this.project, moved);
      // The history cache learned the batch while judging it; the cooldowns learn it once it is committed (see `keep`).
      const keep = () => {
        for (const [key, id] of cooling) this.coolingFindings.set(key, id);
        for (const id of batch.settled) this.heldReads.delete(id);
        for (const h of held) this.heldReads.set(h.hold.recordId, h);
      };
      const received = recent.map((r) => r.receivedAt);
      this.current.writeMs = performance.now() - writing;
      this.timing.writeMs += this.current.writeMs;
      return { ran: true, records: recent.length, findings: batch.findings, findingIds, transitions, quarantined, cursor: next, received, keep };
    }).catch((err: unknown) => {
      if (taught) {
        this.resetCaches();
        this.knownCursor = null;
      }
      throw err;
    });
    // Another process is evaluating: the cursor this one last committed stays
    // known, so the next pass it wins sees the cursor moved and starts its
    // caches again from storage instead of judging with stale history.
    if (!result.ran) return result;
    result.keep();
    this.knownCursor = result.cursor;
    // Lag runs on the wall clock (received_at is the database's), whatever `now` the breakers use.
    if (result.records > 0) this.lag.addBatch(Date.now(), result.received);
    if (result.findingIds.length > 0 && this.options.onFindings) {
      try {
        await this.options.onFindings(result.findingIds, this.project);
      } catch (err) {
        this.options.log?.(`engine: grouping findings into incidents failed: ${(err as Error).message}`);
      }
    }
    return { ran: result.ran, records: result.records, findings: result.findings, findingIds: result.findingIds, transitions: result.transitions, quarantined: result.quarantined };
  }

  private async stepBreakers(tx: pg.PoolClient, records: readonly ObservedRecord[], settings: BreakerSettings): Promise<EdgeTransition[]> {
    // Each edge once: a pass's records name the same few edges hundreds of times.
    const byKey = new Map<string, Edge>();
    for (const o of records) for (const receiver of o.receivers) byKey.set(`${o.agent}\u0000${receiver}`, { sender: o.agent, receiver });
    const edges = [...byKey.values()];
    if (edges.length === 0) return [];
    const current = await lockBreakers(tx, this.project, edges);
    const observed = observe(current, records, contextFor(settings));
    await saveBreakers(tx, this.project, [...observed.changed.values()], observed.transitions);
    return observed.transitions;
  }

  /**
   * Quarantines the state keys whose new version descends from a record
   * this pass (or an earlier one) contained. One small read of the refusing
   * edges, only when the pass saw a failed message.
   */
  private async containState(tx: pg.PoolClient, recent: readonly EvalRecordLike[], observed: readonly ObservedRecord[]): Promise<number> {
    const failed = observed.filter((o) => !o.verified || o.anomalous);
    let seeds = new Map<string, string>();
    if (failed.length > 0) {
      const refusing = new Set((await refusingEdges(tx, this.project)).map((e) => `${e.sender}\u0000${e.receiver}`));
      if (refusing.size > 0) seeds = containedSeeds(failed, (a, b) => refusing.has(`${a}\u0000${b}`));
    }
    if (seeds.size === 0 && this.contained.size === 0 && !recent.some((r) => r.kind === "state.write" && !r.verified)) return 0;
    const keys = containState(recent, seeds, this.contained);
    return quarantineKeys(tx, this.project, keys);
  }

  /** Open breakers whose period ran out turn half-open without waiting for a record. */
  async tick(): Promise<EdgeTransition[]> {
    const res = await tickBreakers(this.pool, this.project, this.now(), await this.breakerSettings());
    return res.transitions;
  }

  private resetCaches(): void {
    // Another process evaluated records this one never saw; start the
    // per-agent history and the cooldowns again from storage.
    this.cache.clear();
    this.lastReported.clear();
    this.coolingFindings.clear();
    this.heldReads.clear();
  }
}

/** Where one pass's time went, ms (writing covers the findings, the breakers and the rest of the pass's writes). */
export interface PassTiming {
  /** Which pass of this process it was (1 is the first: its agents' history is read cold). */
  ordinal: number;
  passMs: number;
  records: number;
  findings: number;
  readMs: number;
  judgeMs: number;
  writeMs: number;
  findingsMs: number;
  breakersMs: number;
}

const newPassTiming = (): PassTiming => ({ ordinal: 0, passMs: 0, records: 0, findings: 0, readMs: 0, judgeMs: 0, writeMs: 0, findingsMs: 0, breakersMs: 0 });
