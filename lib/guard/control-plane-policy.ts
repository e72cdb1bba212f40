// The control plane as a guard's PolicySource (docs/guard.md, ADR 0009):
// subscribes to GET /api/v1/control/stream (server-sent events) and falls
// back to long polling GET /api/v1/control/policy when the stream cannot be
// had, keeps the last policy it was given, and says how far to trust it.
//
// When the control plane cannot be heard from, the guard keeps enforcing
// the last known policy (status "stale"); after `unreachableAfterMs` without
// word the status turns "unreachable", and decide() then refuses red actions
// always and everything else when the guard fails closed, while kills
// already known keep being enforced in both modes.
import { httpLineage, type LineageSource } from "./lineage-source.ts";
import { SseParser, type ServerSentEvent } from "./sse-parser.ts";
import { emptyPolicy, HeldPolicy, PolicySnapshot, type GuardCaps, type PolicyStatus } from "./policy.ts";
import { abortableSleep } from "./abortable-sleep.ts";

export interface ControlPlanePolicyOptions {
  /** Firebreak's dashboard/API origin, e.g. https://firebreak.example */
  baseUrl: string;
  /** A bearer token with role viewer or above. */
  token: string;
  /** "stream" (the default) falls back to long polling when the stream fails; "poll" only long-polls. */
  transport?: "stream" | "poll";
  /** No word (policy or heartbeat) for this long, or no live connection: "stale". Default 15 s (three heartbeats). */
  staleAfterMs?: number;
  /** No word for this long: "unreachable", and the fail mode applies. Default 60 s. */
  unreachableAfterMs?: number;
  /** The guard's own caps, over the control plane's defaults (the server does not know them). */
  caps?: Partial<GuardCaps>;
  /** Stream failures in a row before long polling for a while. Default 3. */
  streamFailuresBeforePolling?: number;
  fetch?: typeof fetch;
  /** Injectable for tests. */
  clock?: () => number;
  onError?: (err: Error) => void;
}

export interface ControlPlaneStats {
  version: number;
  status: PolicyStatus;
  transport: "stream" | "poll" | "none";
  /** Epoch ms of the last policy or heartbeat, or null before the first. */
  lastHeardAt: number | null;
  reconnects: number;
}


export class ControlPlanePolicy extends HeldPolicy {
  private readonly abort = new AbortController();
  private readonly fetchFn: typeof fetch;
  private readonly clock: () => number;
  private readonly staleAfterMs: number;
  private readonly unreachableAfterMs: number;
  private readonly base: string;
  private lastHeardAt: number | null = null;
  private live: "stream" | "poll" | "none" = "none";
  private reconnects = 0;
  private readonly watch: NodeJS.Timeout;
  private readonly firstPolicy: Promise<void>;
  private resolveFirst: () => void = () => {};
  private running: Promise<void> | null = null;

  constructor(private readonly options: ControlPlanePolicyOptions) {
    super(emptyPolicy(), "unreachable");
    this.fetchFn = options.fetch ?? fetch;
    this.clock = options.clock ?? Date.now;
    this.staleAfterMs = options.staleAfterMs ?? 15_000;
    this.unreachableAfterMs = Math.max(options.unreachableAfterMs ?? 60_000, this.staleAfterMs);
    this.base = options.baseUrl.replace(/\/+$/, "");
    this.firstPolicy = new Promise((resolve) => (this.resolveFirst = resolve));
    // Time alone moves the status (fresh -> stale -> unreachable): check it every second.
    this.watch = setInterval(() => this.checkStatus(), 1000);
    this.watch.unref();
  }

  /** Starts listening; resolves once the first policy has arrived, or after `timeoutMs` (then the status says unreachable). */
  async start(timeoutMs = 10_000): Promise<this> {
    this.running ??= this.run();
    const timeout = new AbortController();
    await Promise.race([this.firstPolicy, abortableSleep(timeoutMs, timeout.signal)]);
    timeout.abort();
    return this;
  }

  /** The same control plane's lineage endpoint, for GuardOptions.lineage (the lineage gate). */
  lineage(): LineageSource {
    return httpLineage({ baseUrl: this.base, token: this.options.token, fetch: this.fetchFn });
  }

  stats(): ControlPlaneStats {
    return { version: this.snapshot.version, status: this.state, transport: this.live, lastHeardAt: this.lastHeardAt, reconnects: this.reconnects };
  }

  async close(): Promise<void> {
    this.abort.abort();
    clearInterval(this.watch);
    await this.running?.catch(() => {});
  }

  /** Applies a policy document; an older version than the one held is ignored (an out-of-order answer). */
  accept(document: unknown): boolean {
    const parsed = PolicySnapshot.safeParse(document);
    if (!parsed.success) {
      this.report(new Error(`the control plane sent a policy this guard cannot read: ${parsed.error.issues[0]?.message ?? "invalid"}`));
      return false;
    }
    this.heard();
    const doc = parsed.data;
    if (doc.version <= this.snapshot.version && this.snapshot.version !== 0) {
      this.updateStatus();
      return false;
    }
    this.snapshot = Object.freeze({ ...(doc as PolicySnapshot), caps: Object.freeze({ ...doc.caps, ...this.options.caps }) });
    this.resolveFirst();
    this.updateStatus(true);
    return true;
  }

  /** Re-judges the status against the clock now (a timer also does, every second). */
  checkStatus(): PolicyStatus {
    this.updateStatus();
    return this.state;
  }

  private heard(): void {
    this.lastHeardAt = this.clock();
  }

  /** fresh: a live connection heard from lately; stale: a policy held but not confirmed lately; unreachable: too long, or none yet. */
  private updateStatus(force = false): void {
    const age = this.lastHeardAt === null ? Infinity : this.clock() - this.lastHeardAt;
    let next: PolicyStatus;
    if (this.lastHeardAt === null || this.snapshot.version === 0 || age > this.unreachableAfterMs) next = "unreachable";
    else if (this.live === "none" || age > this.staleAfterMs) next = "stale";
    else next = "fresh";
    if (next === this.state && !force) return;
    this.state = next;
    this.notify();
  }

  private report(err: Error): void {
    this.options.onError?.(err);
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.options.token}`, ...extra };
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const failuresBeforePolling = this.options.streamFailuresBeforePolling ?? 3;
    let failures = 0;
    while (!signal.aborted) {
      if (this.options.transport === "poll" || failures >= failuresBeforePolling) {
        // Long polling for a while, then the stream is tried again.
        await this.pollFor(this.options.transport === "poll" ? Infinity : 60_000);
        failures = 0;
        continue;
      }
      try {
        await this.streamOnce();
        failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        this.report(err as Error);
      }
      this.setLive("none");
      if (signal.aborted) break;
      this.reconnects++;
      // The stream told us to come back in 500 ms; after repeated failures, wait longer.
      await abortableSleep(Math.min(500 * 2 ** Math.max(0, failures - 1), 5_000), signal);
    }
    this.setLive("none");
  }

  private setLive(live: "stream" | "poll" | "none"): void {
    if (this.live === live) return;
    this.live = live;
    this.updateStatus();
  }

  private async streamOnce(): Promise<void> {
    const signal = this.abort.signal;
    const extra: Record<string, string> = { accept: "text/event-stream" };
    if (this.snapshot.version > 0) extra["last-event-id"] = String(this.snapshot.version);
    const res = await this.fetchFn(`${this.base}/api/v1/control/stream`, { headers: this.headers(extra), signal });
    if (!res.ok || !res.body) throw new Error(`the policy stream answered ${res.status}: ${await describe(res)}`);
    if (!(res.headers.get("content-type") ?? "").includes("text/event-stream")) throw new Error("the policy stream did not answer with text/event-stream");
    this.setLive("stream");
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    // Closing the source ends the read whatever the fetch implementation does with the abort.
    const stop = (): void => void reader.cancel().catch(() => {});
    signal.addEventListener("abort", stop, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        for (const ev of parser.push(decoder.decode(value, { stream: true }))) await this.onEvent(ev);
      }
    } finally {
      signal.removeEventListener("abort", stop);
      reader.releaseLock();
    }
  }

  private async onEvent(ev: ServerSentEvent): Promise<void> {
    if (ev.event === "policy") {
      this.accept(JSON.parse(ev.data) as unknown);
    } else if (ev.event === "heartbeat") {
      this.heard();
      const beat = JSON.parse(ev.data) as { version?: unknown };
      // A heartbeat ahead of what we hold means an update went missing: fetch it.
      if (typeof beat.version === "number" && beat.version > this.snapshot.version) await this.fetchPolicy();
      this.updateStatus();
    }
  }

  private async fetchPolicy(after?: number, waitSeconds = 0): Promise<void> {
    const q = after === undefined ? "" : `?after=${after}&wait=${waitSeconds}`;
    const res = await this.fetchFn(`${this.base}/api/v1/control/policy${q}`, { headers: this.headers(), signal: this.abort.signal });
    if (!res.ok) throw new Error(`the policy endpoint answered ${res.status}: ${await describe(res)}`);
    this.accept(await res.json());
  }

  private async pollFor(ms: number): Promise<void> {
    const signal = this.abort.signal;
    const until = this.clock() + ms;
    // Short enough that a quiet poll still confirms the policy before it turns stale.
    const wait = Math.max(1, Math.min(25, Math.floor(this.staleAfterMs / 2000)));
    let failures = 0;
    while (!signal.aborted && this.clock() < until) {
      try {
        await this.fetchPolicy(this.snapshot.version, wait);
        this.setLive("poll");
        failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        this.setLive("none");
        this.report(err as Error);
        failures++;
        await abortableSleep(Math.min(500 * 2 ** (failures - 1), 5_000), signal);
      }
    }
  }
}

async function describe(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    return body.error?.message ?? res.statusText;
  } catch {
    return res.statusText;
  }
}
