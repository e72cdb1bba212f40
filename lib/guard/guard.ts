// The guard an agent embeds: it signs every record the agent makes, emits it
// as an OpenTelemetry span for Firebreak to judge, checks every record the
// agent receives before the agent acts on it, and enforces the policy (kills,
// breakers, caps, approvals) locally. docs/guard.md is the user's guide.
import type { Tracer } from "@opentelemetry/api";
import type { BufferConfig, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { createHash } from "node:crypto";
import { SigningInputError } from "../protocol/canonical.ts";
import { ACTION_CLASSES, type ActionClass, type RecordKind, type VerdictDetail, type WireRecord } from "../protocol/record.ts";
import { formatTimestamp, parseTimestamp } from "../protocol/timestamp.ts";
import type { AgentInputRaw } from "../registry/schema.ts";
import type { RegistrySnapshot } from "../registry/types.ts";
import { combineVerdicts, isVerified } from "../verify/combine.ts";
import { checkIdentityAndSignature } from "../verify/identity.ts";
import { DEFAULT_SKEW_MS } from "../verify/skew.ts";
import { ApprovalBook, approvalPayloadFor, argsDigest, isApprovalRequest, type ApprovalRequest, type ApprovalSource } from "./approvals.ts";
import { settleFromSource } from "./approval-source.ts";
import { decide, type FailMode, type GuardIntent, type LabelBook } from "./decisions.ts";
import { ChainBook } from "./depth.ts";
import { RecordEmitter } from "./emitter.ts";
import { FanOutBook } from "./fan-out.ts";
import { cryptoTokens, hexFrom, recordId, tokensFrom, type RandomSource, type TokenSource } from "./ids.ts";
import { loadGuardKeys, registryEntry, type GuardKeys, type RegistryEntryOptions } from "./keys.ts";
import { checkOutgoing, checkReceived, GrantMemo } from "./local-checks.ts";
import { awaitClearance, type LineageGate, type LineageSource } from "./lineage-source.ts";
import { LocalPolicy, type PolicySnapshot, type PolicySource, type PolicyStatus } from "./policy.ts";
import { GuardRefusal } from "./refusal.ts";
import { staticRegistry, type RegistrySource } from "./registry-source.ts";
import { ReplayCache } from "./replay-cache.ts";
import { isPlain, preparePayload, signerFor } from "./signing.ts";

export interface GuardOptions {
  /** The principal this guard signs as: its registry id. */
  agentId: string;
  keys: GuardKeys;
  /** Who may act: a snapshot, or a source such as fetchRegistry(). */
  registry: RegistrySource | RegistrySnapshot;
  /** Kills, breakers, caps and relayed approvals. Default: a LocalPolicy of its own, all open. */
  policy?: PolicySource;
  /** Non-red operations when the policy source is unreachable. Default "closed". Red actions always fail closed. */
  failMode?: FailMode;
  /** OTLP/HTTP traces URL, e.g. http://firebreak:4318/v1/traces. */
  endpoint?: string;
  /** Export headers, e.g. { Authorization: "Bearer <ingest key>" }. */
  headers?: Record<string, string>;
  /** Any SpanExporter in place of the OTLP one (tests, benchmarks). */
  exporter?: SpanExporter;
  /** Emit through an application's own tracer instead. */
  tracer?: Tracer;
  processor?: "batch" | "simple";
  batch?: BufferConfig;
  /** firebreak.protocol of messages and actions. Default "a2a/0.3". */
  protocol?: string;
  /** Milliseconds since the epoch. Default Date.now; the simulator passes an accelerated clock. */
  clock?: () => number;
  /** At least 16 random bytes per call, for ids and nonces. */
  random?: RandomSource;
  /** Allowed distance between a received record's timestamp and this guard's clock. Default 300 s, as the collector. */
  skewMs?: number;
  /** Where held red actions are sent to be decided (serverApprovals(): the Firebreak queue). Default: none; approvals arrive by receive() or the policy. */
  approvals?: ApprovalSource;
  /**
   * Where the guard asks whether an action's lineage is still clean
   * (ControlPlanePolicy.lineage(): GET /api/v1/control/lineage). With a
   * source, every red action is re-checked once approved, before it runs.
   */
  lineage?: LineageSource;
  /** Which other action classes wait for a clear lineage before they run, and how long at most (docs/guard.md, Lineage gate). */
  lineageGate?: LineageGate;
  /** How long a red action waits for approval. Default 15 minutes. */
  approvalTimeoutMs?: number;
  /** Refuse to sign what the collector would flag (contract, capability, protocol, memory). Default true. */
  selfCheck?: boolean;
  /** Where writeState/readState keep values. Default: in memory. */
  store?: StateStore;
  /** Told of every refusal, thrown or returned. */
  onRefusal?: (refusal: GuardRefusal) => void;
}

export interface StateStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export interface LinkOptions {
  /** Records (or their ids) this one derives from. */
  parents?: readonly (string | WireRecord)[];
  /** Authority chain, root first. Default: the chain of the first parent this guard knows. */
  authority?: readonly string[];
  /** firebreak.protocol for this record (messages and actions). */
  protocol?: string;
}

export interface Receipt {
  accepted: boolean;
  /** What checking found, as the collector would put it (authority is left to the collector). */
  verdicts: VerdictDetail[];
  record: WireRecord;
  /** Why it was not accepted. */
  refusal?: GuardRefusal;
  /** Hops from the request, as far as this guard can tell (docs/guard.md). */
  depth: number;
}

/** What act() returns: a promise of the signed action record, with the hold's details. */
export type ActionHandle = Promise<WireRecord> & {
  /** The id the action record carries (or will, once approved). */
  readonly id: string;
  /** For red actions: what an approver must approve. Null otherwise. */
  readonly approvalRequest: ApprovalRequest | null;
  /** The action waits for the control plane to clear its lineage before it runs (lineageGate). */
  readonly gated: boolean;
};

export interface GuardStats {
  recordsEmitted: number;
  receiptsEmitted: number;
  refusals: number;
  held: number;
  replayCacheSize: number;
  replayEvictedEarly: number;
}

export interface Guard {
  readonly agentId: string;
  readonly keyId: string;
  /** Raw public key, base64url: what the registry entry carries. */
  readonly publicKey: string;
  /** A gateway's request record: the root of an authority chain. */
  request(text: string, options?: { intent?: string; payload?: unknown }): WireRecord;
  send(to: string | readonly string[], intent: string, payload: unknown, options?: LinkOptions): WireRecord;
  receive(record: WireRecord, options?: { depthHint?: number }): Receipt;
  writeState(key: string, value: unknown, options?: LinkOptions): WireRecord;
  readState(key: string, options?: LinkOptions): { value: unknown; record: WireRecord };
  act(name: string, actionClass: ActionClass, args: unknown, options?: LinkOptions): ActionHandle;
  /** An approver's approval of a held red action, or of any record. */
  approve(target: ApprovalRequest | WireRecord, options?: LinkOptions): WireRecord;
  /** Red actions waiting for approval. */
  pendingApprovals(): ApprovalRequest[];
  /** Depth of a record this guard sent or received. */
  depthOf(recordId: string): number | undefined;
  /** This agent's registry entry with these grants. */
  registryEntry(grants?: Omit<RegistryEntryOptions, "agentId" | "keyId" | "publicKey">): AgentInputRaw;
  /** Expires held actions against the guard's clock: call it after moving an injected clock. */
  tick(): void;
  stats(): GuardStats;
  flush(): Promise<void>;
  /** Flushes, stops, and fails every held action closed. */
  shutdown(): Promise<void>;
}

const DEFAULT_PROTOCOL = "a2a/0.3";
const DEFAULT_APPROVAL_TIMEOUT_MS = 15 * 60_000;
const NO_LABELS: LabelBook = Object.freeze({});
/** Verdicts after which a record's nonce says nothing about its sender. */
const IDENTITY_FAILED = new Set(["unsigned", "bad_signature", "unknown_agent", "unknown_key"]);
const MAX_TIMER_MS = 2_147_483_647;

export function createGuard(options: GuardOptions): Guard {
  return new GuardImpl(options);
}

function isSource(r: RegistrySource | RegistrySnapshot): r is RegistrySource {
  return typeof (r as Partial<RegistrySource>).current === "function";
}

function authorityOf(rec: WireRecord): readonly string[] {
  return rec.kind === "request" ? [rec.id] : (rec.authority ?? []);
}

function describeVerdicts(verdicts: readonly VerdictDetail[]): string {
  return verdicts.map((v) => (v.detail === undefined ? v.verdict : `${v.verdict} (${v.detail})`)).join("; ");
}

function mapStore(): StateStore {
  const m = new Map<string, unknown>();
  return { get: (k) => m.get(k), set: (k, v) => void m.set(k, v) };
}

interface Draft {
  kind: RecordKind;
  id?: string;
  to?: string[];
  intent?: string;
  protocol?: string;
  parents: string[];
  authority: string[];
  class?: ActionClass;
}

class GuardImpl implements Guard {
  readonly agentId: string;
  readonly keyId: string;
  readonly publicKey: string;
  private readonly signPayload: (rec: WireRecord, canonicalPayload: string | undefined) => string;
  private readonly registry: RegistrySource;
  private readonly policy: PolicySource;
  private readonly failMode: FailMode;
  private readonly protocol: string;
  private readonly clock: () => number;
  private readonly tokens: TokenSource;
  private readonly skewMs: number;
  private readonly approvalTimeoutMs: number;
  private readonly selfCheckOn: boolean;
  private readonly store: StateStore;
  private readonly onRefusal: ((refusal: GuardRefusal) => void) | undefined;
  private readonly emitter: RecordEmitter;
  private readonly chain = new ChainBook();
  private readonly fanOut = new FanOutBook();
  private readonly replay: ReplayCache;
  private readonly approvals = new ApprovalBook();
  private readonly approvalSource: ApprovalSource | undefined;
  private readonly approvalAbort = new AbortController();
  private readonly lineage: LineageSource | undefined;
  private readonly gatedClasses: ReadonlySet<ActionClass>;
  private readonly gateTimeoutMs: number;
  private readonly gatePollMs: number;
  private readonly unsubscribe: () => void;
  private timer: NodeJS.Timeout | null = null;
  private refusals = 0;
  private readonly grants = new GrantMemo();
  private parsedText = "";
  private parsedAt = 0;
  private stampedAt = Number.NaN;
  private stamped = "";

  constructor(options: GuardOptions) {
    // Plain ASCII (as every registry id is), so the signing path may quote it unchecked.
    if (options.agentId === "" || !isPlain(options.agentId)) throw new Error(`agentId must be a non-empty registry id of printable ASCII, got ${JSON.stringify(options.agentId)}`);
    const keys = loadGuardKeys(options.keys);
    this.agentId = options.agentId;
    this.keyId = keys.keyId;
    this.publicKey = keys.publicKey;
    this.signPayload = signerFor(keys.keyId, keys.signingKey);
    this.registry = isSource(options.registry) ? options.registry : staticRegistry(options.registry);
    this.policy = options.policy ?? new LocalPolicy();
    this.failMode = options.failMode ?? "closed";
    this.protocol = options.protocol ?? DEFAULT_PROTOCOL;
    this.clock = options.clock ?? Date.now;
    this.tokens = options.random === undefined ? cryptoTokens() : tokensFrom(options.random);
    this.skewMs = options.skewMs ?? DEFAULT_SKEW_MS;
    this.approvalTimeoutMs = options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
    this.selfCheckOn = options.selfCheck ?? true;
    this.store = options.store ?? mapStore();
    this.onRefusal = options.onRefusal;
    this.approvalSource = options.approvals;
    this.lineage = options.lineage;
    this.gatedClasses = new Set(options.lineage === undefined ? [] : (options.lineageGate?.classes ?? []));
    this.gateTimeoutMs = options.lineageGate?.timeoutMs ?? 30_000;
    this.gatePollMs = options.lineageGate?.pollMs ?? 200;
    this.replay = new ReplayCache({ windowMs: this.skewMs });
    this.emitter = new RecordEmitter({
      serviceName: options.agentId,
      endpoint: options.endpoint,
      headers: options.headers,
      exporter: options.exporter,
      tracer: options.tracer,
      processor: options.processor,
      batch: options.batch,
      hex: options.random === undefined ? undefined : hexFrom(options.random),
    });
    this.unsubscribe = this.policy.subscribe((snapshot, status) => this.onPolicy(snapshot, status));
  }

  request(text: string, options: { intent?: string; payload?: unknown } = {}): WireRecord {
    this.enforce({ op: "request", agent: this.agentId, labels: this.labels(this.agentId) });
    return this.issue({ kind: "request", intent: options.intent, parents: [], authority: [] }, options.payload ?? { text }, 0);
  }

  send(to: string | readonly string[], intent: string, payload: unknown, options: LinkOptions = {}): WireRecord {
    const receivers = typeof to === "string" ? [to] : [...to];
    if (receivers.length === 0) throw new TypeError("send needs at least one receiver");
    const { parents, authority } = this.links(options);
    const depth = this.chain.depthOf("message", parents);
    const fanOut = this.fanOut.projected(parents, receivers.length);
    this.enforce({ op: "send", agent: this.agentId, to: receivers, intent, fanOut, depth, labels: this.labels(this.agentId, receivers) });
    const rec = this.issue({ kind: "message", to: receivers, intent, protocol: options.protocol ?? this.protocol, parents, authority }, payload, depth);
    this.fanOut.add(parents, receivers.length);
    return rec;
  }

  receive(record: WireRecord, options: { depthHint?: number } = {}): Receipt {
    const now = this.clock();
    const snapshot = this.registry.current();
    const found = checkReceived(record, snapshot, now, this.skewMs, this.grants);
    const identityHeld = !found.some((v) => IDENTITY_FAILED.has(v.verdict));
    let extra: VerdictDetail[] | null = null;
    if (identityHeld && record.nonce !== undefined) {
      const seen = this.replay.check(record.agent, record.nonce, now);
      if (seen.seen) {
        const detail = seen.id === record.id ? `record ${record.id} was already received` : `nonce already used by record ${seen.id}`;
        extra = [{ verdict: "replay", detail }];
      }
    }
    // The one authority rule a guard can judge alone; the rest needs the stored records.
    if (record.kind !== "request" && (record.authority === undefined || record.authority.length === 0)) {
      (extra ??= []).push({ verdict: "broken_authority", detail: "authority chain is empty" });
    }
    const verdicts = extra === null ? found : combineVerdicts([...found, ...extra], { allowUnattested: snapshot.allowUnattested });

    const hint = options.depthHint;
    const depth = this.chain.depthOf(record.kind, record.parents, Number.isSafeInteger(hint) && hint !== undefined && hint > 0 ? hint : 0);
    let refusal: GuardRefusal | undefined;
    if (!isVerified(verdicts)) {
      refusal = new GuardRefusal("verification_failed", `${record.kind} ${record.id} from ${record.agent} did not verify: ${describeVerdicts(verdicts)}`);
    } else if (record.kind === "message" && !(record.to ?? []).includes(this.agentId)) {
      refusal = new GuardRefusal("verification_failed", `message ${record.id} is addressed to ${(record.to ?? []).join(", ") || "nobody"}, not ${this.agentId}`);
    } else {
      const d = this.decide({ op: "receive", agent: this.agentId, from: record.agent, kind: record.kind, depth, labels: this.labels(this.agentId, [record.agent]) });
      if (!d.allow) refusal = new GuardRefusal(d.code, d.reason);
    }

    if (identityHeld && record.nonce !== undefined && extra?.[0]?.verdict !== "replay") {
      const at = this.parseStamp(record.timestamp);
      if (at !== null) this.replay.remember(record.agent, record.nonce, record.id, at, now);
    }
    const accepted = refusal === undefined;
    if (accepted) {
      this.chain.set(record.id, { depth, authority: [...authorityOf(record)] });
      if (record.kind === "approval" && snapshot.agents.get(record.agent)?.kind === "approver") this.approvals.approve(record);
    } else if (refusal) {
      this.noteRefusal(refusal);
    }
    this.emitter.receipt(
      { of: record, agent: this.agentId, verdicts: verdicts.map((v) => v.verdict), accepted, refusal: refusal && { code: refusal.code, reason: refusal.message } },
      now,
    );
    return refusal === undefined ? { accepted, verdicts, record, depth } : { accepted, verdicts, record, refusal, depth };
  }

  writeState(key: string, value: unknown, options: LinkOptions = {}): WireRecord {
    const { parents, authority } = this.links(options);
    this.enforce({ op: "state", agent: this.agentId, mode: "write", key, labels: this.labels(this.agentId) });
    const depth = this.chain.depthOf("state.write", parents);
    const rec = this.issue({ kind: "state.write", intent: key, parents, authority }, value, depth);
    this.store.set(key, value);
    return rec;
  }

  readState(key: string, options: LinkOptions = {}): { value: unknown; record: WireRecord } {
    const { parents, authority } = this.links(options);
    this.enforce({ op: "state", agent: this.agentId, mode: "read", key, labels: this.labels(this.agentId) });
    const depth = this.chain.depthOf("state.read", parents);
    const value = this.store.get(key);
    // The read names what it saw by the SHA-256 of its canonical JSON, which is the payload of the write that stored it.
    const payload = value === undefined ? { found: false } : { found: true, sha256: createHash("sha256").update(this.prepare(value).text).digest("base64url") };
    const record = this.issue({ kind: "state.read", intent: key, parents, authority }, payload, depth);
    return { value, record };
  }

  act(name: string, actionClass: ActionClass, args: unknown, options: LinkOptions = {}): ActionHandle {
    let id = "";
    try {
      if (!(ACTION_CLASSES as readonly string[]).includes(actionClass)) throw new TypeError(`action class must be one of ${ACTION_CLASSES.join(", ")}, got ${JSON.stringify(actionClass)}`);
      const { parents, authority } = this.links(options);
      const depth = this.chain.depthOf("action", parents);
      const intent: GuardIntent = { op: "act", agent: this.agentId, name, actionClass, depth, labels: this.labels(this.agentId) };
      this.enforce(intent);
      const protocol = options.protocol ?? this.protocol;
      if (actionClass !== "red" && this.gatedClasses.has(actionClass) && parents.length > 0) {
        // Held until the control plane has judged what it descends from; the id is fixed now, so the caller can name it.
        id = recordId("action", this.tokens);
        const actionId = id;
        const gatedDone = this.clearLineage(name, actionId, actionClass, parents).then(() => {
          this.enforce({ ...intent, labels: this.labels(this.agentId) });
          return this.issue({ kind: "action", id: actionId, intent: name, class: actionClass, protocol, parents, authority }, args, depth);
        });
        return handle(gatedDone, id, null, true);
      }
      if (actionClass !== "red") {
        const rec = this.issue({ kind: "action", intent: name, class: actionClass, protocol, parents, authority }, args, depth);
        return handle(Promise.resolve(rec), rec.id, null);
      }
      id = recordId("action", this.tokens);
      const prepared = this.prepare(args);
      // Check now what can be checked now, so nobody is asked to approve an action that would be refused anyway.
      this.selfCheck({ kind: "action", id, agent: this.agentId, intent: name, class: "red", protocol, timestamp: formatTimestamp(this.clock()), parents, authority, payload: prepared.text });
      const now = this.clock();
      const request: ApprovalRequest = {
        action: id,
        agent: this.agentId,
        name,
        class: actionClass,
        args: prepared.text,
        digest: argsDigest(prepared.text),
        parents,
        authority,
        requestedAt: formatTimestamp(now),
        expiresAt: formatTimestamp(now + this.approvalTimeoutMs),
      };
      const approved = this.approvals.hold(request, now + this.approvalTimeoutMs);
      this.armTimer();
      if (this.approvalSource) settleFromSource(this.approvalSource, request, this.approvals, this.registry, this.approvalAbort.signal);
      const done = approved.then(
        async (approval) => {
          // The world may have changed while the action waited: what it descends from may have been contained since.
          await this.clearLineage(name, id, actionClass, parents);
          // A kill or a breaker still wins.
          this.enforce({ ...intent, labels: this.labels(this.agentId) });
          return this.issue(
            { kind: "action", id, intent: name, class: actionClass, protocol, parents: [...parents, approval.id], authority: [...authority, approval.id] },
            args,
            depth,
          );
        },
        (err: unknown) => {
          if (err instanceof GuardRefusal) this.noteRefusal(err);
          throw err;
        },
      );
      return handle(done, id, request, this.lineage !== undefined);
    } catch (err) {
      return handle(Promise.reject(err instanceof Error ? err : new Error(String(err))), id, null);
    }
  }

  /**
   * Resolves when the control plane says the action's parents descend from
   * nothing it contained; refuses (lineage_tainted) when they do. With no
   * definitive answer in time: red actions are refused, other classes follow
   * the fail mode. Without a lineage source there is nothing to ask.
   */
  private async clearLineage(name: string, actionId: string, actionClass: ActionClass, parents: readonly string[]): Promise<void> {
    if (this.lineage === undefined) return;
    const got = await awaitClearance(this.lineage, parents, { timeoutMs: this.gateTimeoutMs, pollMs: this.gatePollMs, signal: this.approvalAbort.signal });
    if (got.outcome === "clear") return;
    if (got.outcome === "tainted") this.refuse(new GuardRefusal("lineage_tainted", `${actionClass} action ${name} (${actionId}) refused: its lineage is contained: ${got.reason}`));
    if (actionClass === "red" || this.failMode === "closed") {
      this.refuse(new GuardRefusal("lineage_unverified", `${actionClass} action ${name} (${actionId}) refused: its lineage could not be checked and ${actionClass === "red" ? "red actions fail closed" : "this guard fails closed"}: ${got.reason}`));
    }
  }

  approve(target: ApprovalRequest | WireRecord, options: LinkOptions = {}): WireRecord {
    const me = this.registry.current().agents.get(this.agentId);
    if (me !== undefined && me.kind !== "approver") {
      this.refuse(new GuardRefusal("verification_failed", `${this.agentId} is registered as ${me.kind}, not approver: its approvals would break every chain they join`));
    }
    this.enforce({ op: "approve", agent: this.agentId, labels: this.labels(this.agentId) });
    let parents: string[];
    let authority: string[];
    let intent: string | undefined;
    if (isApprovalRequest(target)) {
      const root = target.authority[0];
      parents = target.parents.length > 0 ? [...target.parents] : root === undefined ? [] : [root];
      authority = root === undefined ? [] : [root];
      intent = target.name;
    } else {
      const root = authorityOf(target)[0];
      parents = [target.id];
      authority = root === undefined ? [] : [root];
      intent = target.intent;
    }
    if (options.parents !== undefined || options.authority !== undefined) ({ parents, authority } = this.links(options));
    const depth = this.chain.depthOf("approval", parents);
    return this.issue({ kind: "approval", intent, parents, authority }, approvalPayloadFor(target), depth);
  }

  pendingApprovals(): ApprovalRequest[] {
    return this.approvals.pending();
  }

  depthOf(id: string): number | undefined {
    return this.chain.get(id)?.depth;
  }

  registryEntry(grants: Omit<RegistryEntryOptions, "agentId" | "keyId" | "publicKey"> = {}): AgentInputRaw {
    return registryEntry({ ...grants, agentId: this.agentId, keyId: this.keyId, publicKey: this.publicKey });
  }

  tick(): void {
    this.approvals.expire(this.clock());
    this.armTimer();
  }

  stats(): GuardStats {
    return {
      recordsEmitted: this.emitter.records,
      receiptsEmitted: this.emitter.receipts,
      refusals: this.refusals,
      held: this.approvals.size,
      replayCacheSize: this.replay.size,
      replayEvictedEarly: this.replay.evictedEarly,
    };
  }

  flush(): Promise<void> {
    return this.emitter.flush();
  }

  async shutdown(): Promise<void> {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.approvalAbort.abort();
    this.approvals.cutOff("the guard was shut down");
    await this.emitter.shutdown();
  }

  // --- internals ---

  private decide(intent: GuardIntent): ReturnType<typeof decide> {
    return decide(intent, { snapshot: this.policy.current(), status: this.policy.status() }, this.failMode);
  }

  private enforce(intent: GuardIntent): void {
    const d = this.decide(intent);
    if (!d.allow) this.refuse(new GuardRefusal(d.code, d.reason));
  }

  private refuse(refusal: GuardRefusal): never {
    this.noteRefusal(refusal);
    throw refusal;
  }

  private noteRefusal(refusal: GuardRefusal): void {
    this.refusals++;
    this.onRefusal?.(refusal);
  }

  /** Registry labels of `ids`, only when some label is killed (the common case costs nothing). */
  private labels(self: string, others: readonly string[] = []): LabelBook {
    if (this.policy.current().killedLabels.length === 0) return NO_LABELS;
    const agents = this.registry.current().agents;
    const out: Record<string, Record<string, string>> = {};
    for (const id of [self, ...others]) {
      const labels = agents.get(id)?.labels;
      if (labels !== undefined) out[id] = labels;
    }
    return out;
  }

  private links(options: LinkOptions): { parents: string[]; authority: string[] } {
    const given = options.parents ?? [];
    const parents = given.map((p) => (typeof p === "string" ? p : p.id));
    if (options.authority !== undefined) return { parents, authority: [...options.authority] };
    for (const p of given) {
      const chain = typeof p === "string" ? this.chain.get(p)?.authority : authorityOf(p);
      if (chain !== undefined && chain.length > 0) return { parents, authority: [...chain] };
    }
    return { parents, authority: [] };
  }

  private prepare(value: unknown): ReturnType<typeof preparePayload> {
    try {
      return preparePayload(value);
    } catch (err) {
      if (err instanceof SigningInputError) this.refuse(new GuardRefusal("verification_failed", `cannot sign this record: ${err.message}`));
      throw err;
    }
  }

  /** Signs, emits and remembers one record. */
  private issue(draft: Draft, payload: unknown, depth: number): WireRecord {
    const prepared = payload === undefined ? undefined : this.prepare(payload);
    const now = this.clock();
    const rec: WireRecord = { kind: draft.kind, id: draft.id ?? recordId(draft.kind, this.tokens), agent: this.agentId, timestamp: this.stamp(now) };
    if (draft.to !== undefined) rec.to = draft.to;
    if (draft.intent !== undefined) rec.intent = draft.intent;
    if (draft.protocol !== undefined) rec.protocol = draft.protocol;
    rec.nonce = this.tokens();
    if (prepared !== undefined) rec.payload = prepared.text;
    if (draft.parents.length > 0) rec.parents = draft.parents;
    if (draft.authority.length > 0) rec.authority = draft.authority;
    if (draft.class !== undefined) rec.class = draft.class;
    this.selfCheck(rec, prepared?.plain === true ? { value: payload } : undefined);
    try {
      rec.signature = this.signPayload(rec, prepared?.text);
    } catch (err) {
      if (err instanceof SigningInputError) this.refuse(new GuardRefusal("verification_failed", `cannot sign this record: ${err.message}`));
      throw err;
    }
    this.emitter.record(rec, now);
    // A copy: the caller owns the record it gets back and may change it.
    this.chain.set(rec.id, { depth, authority: [...authorityOf(rec)] });
    return rec;
  }

  /** formatTimestamp, remembered for the last millisecond: busy agents sign many records per millisecond. */
  private stamp(at: number): string {
    if (at !== this.stampedAt) {
      this.stamped = formatTimestamp(at);
      this.stampedAt = at;
    }
    return this.stamped;
  }

  /** parseTimestamp, remembered for the last text: a burst from one sender shares its millisecond. */
  private parseStamp(text: string): number | null {
    if (text === this.parsedText) return this.parsedAt;
    const at = parseTimestamp(text);
    if (at !== null) {
      this.parsedText = text;
      this.parsedAt = at;
    }
    return at;
  }

  /** Refuses a record the collector would flag for contract, capability, protocol or memory. */
  private selfCheck(rec: WireRecord, parsed?: { value: unknown }): void {
    if (!this.selfCheckOn) return;
    const found = checkOutgoing(rec, this.registry.current(), this.grants, parsed);
    if (found.length > 0) {
      const what = rec.intent === undefined ? rec.kind : `${rec.kind} ${rec.intent}`;
      this.refuse(new GuardRefusal("verification_failed", `${what} would not verify at the collector: ${describeVerdicts(found)}`));
    }
  }

  private onPolicy(snapshot: PolicySnapshot, status: PolicyStatus): void {
    if (status === "unreachable") {
      this.approvals.cutOff("the approval source is unreachable and red actions fail closed");
      return;
    }
    for (const request of this.approvals.pending()) {
      const decision = snapshot.approvals[request.action];
      if (decision === undefined) continue;
      if (decision.decision === "denied") {
        this.approvals.deny(request.action, decision.by, decision.reason);
        continue;
      }
      // Relayed approvals may be older than the skew window, so only who signed them is checked here.
      const registry = this.registry.current();
      const verdicts = combineVerdicts(checkIdentityAndSignature(decision.record, registry), { allowUnattested: registry.allowUnattested });
      if (isVerified(verdicts) && registry.agents.get(decision.record.agent)?.kind === "approver") this.approvals.approve(decision.record);
    }
  }

  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = this.approvals.nextDeadline();
    if (next === undefined) return;
    this.timer = setTimeout(() => this.tick(), Math.min(MAX_TIMER_MS, Math.max(0, next - this.clock())));
    this.timer.unref();
  }
}

function handle(promise: Promise<WireRecord>, id: string, approvalRequest: ApprovalRequest | null, gated = false): ActionHandle {
  return Object.assign(promise, { id, approvalRequest, gated });
}
