// A fixed pool of worker threads with a bounded queue. Ed25519 verification
// dominates ingest cost, so decode + verify run on every core while the main
// thread only talks to PostgreSQL. A full queue is refused, never grown: the
// caller turns that into 429 + Retry-After.
import { Worker } from "node:worker_threads";

export interface PoolTask<TIn> {
  input: TIn;
  transfer?: ArrayBuffer[];
}

export class PoolSaturatedError extends Error {
  constructor() {
    super("all verification workers are busy and the queue is full");
  }
}

interface Job<TOut> {
  id: number;
  resolve: (v: TOut) => void;
  reject: (e: Error) => void;
  message: unknown;
  transfer: ArrayBuffer[];
}

interface Slot {
  worker: Worker;
  busy: Job<unknown> | null;
  ready: Promise<void>;
}

export class WorkerPool<TIn, TOut> {
  private readonly slots: Slot[] = [];
  private readonly queue: Job<unknown>[] = [];
  private nextId = 1;
  private closed = false;
  private broadcastValue: unknown = undefined;

  /** `workerData`: handed to every worker as it starts (and to a replacement). */
  constructor(
    private readonly file: URL,
    readonly size: number,
    private readonly maxQueue: number,
    private readonly workerData?: unknown,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  get queued(): number {
    return this.queue.length;
  }

  get busy(): number {
    return this.slots.filter((s) => s.busy).length;
  }

  run(task: PoolTask<TIn>): Promise<TOut> {
    if (this.closed) return Promise.reject(new Error("worker pool is closed"));
    const free = this.slots.find((s) => !s.busy);
    if (!free && this.queue.length >= this.maxQueue) return Promise.reject(new PoolSaturatedError());
    return new Promise<TOut>((resolve, reject) => {
      const job: Job<TOut> = { id: this.nextId++, resolve, reject, message: task.input, transfer: task.transfer ?? [] };
      if (free) this.dispatch(free, job as Job<unknown>);
      else this.queue.push(job as Job<unknown>);
    });
  }

  /** Resolves when every worker has loaded its code, so the first request pays no start-up cost. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** Sends a value (the registry snapshot) to every worker, now and after a respawn. */
  broadcast(value: unknown): void {
    this.broadcastValue = value;
    for (const s of this.slots) s.worker.postMessage({ type: "broadcast", value });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error("worker pool is closed"));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    // The workers load TypeScript themselves (decode-worker-entry.mjs); only a
    // profiler the process was started with (`--cpu-prof`, benchmarks) is passed on.
    const worker = new Worker(this.file, { workerData: this.workerData, execArgv: process.execArgv.filter((a) => a.startsWith("--cpu-prof")) });
    let markReady = (): void => {};
    const slot: Slot = { worker, busy: null, ready: new Promise<void>((r) => (markReady = r)) };
    worker.on("message", (msg: { type?: "ready"; id: number; ok: boolean; value?: unknown; error?: string }) => {
      if (msg.type === "ready") return markReady();
      const job = slot.busy;
      if (!job || job.id !== msg.id) return;
      slot.busy = null;
      if (msg.ok) job.resolve(msg.value);
      else job.reject(new Error(msg.error ?? "worker failed"));
      this.next(slot);
    });
    worker.on("error", (err) => this.replace(slot, err));
    worker.on("exit", (code) => {
      if (!this.closed && code !== 0) this.replace(slot, new Error(`verification worker exited with code ${code}`));
    });
    if (this.broadcastValue !== undefined) worker.postMessage({ type: "broadcast", value: this.broadcastValue });
    return slot;
  }

  // A crashed worker fails only its own job; the pool heals itself.
  private replace(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.closed) return;
    slot.busy?.reject(err);
    slot.busy = null;
    void slot.worker.terminate();
    const fresh = this.spawn();
    this.slots[i] = fresh;
    this.next(fresh);
  }

  private next(slot: Slot): void {
    const job = this.queue.shift();
    if (job) this.dispatch(slot, job);
  }

  private dispatch(slot: Slot, job: Job<unknown>): void {
    slot.busy = job;
    slot.worker.postMessage({ type: "job", id: job.id, input: job.message }, job.transfer);
  }
}

