// A discrete-event queue: events run one at a time in (time, insertion)
// order, so the same schedule always runs the same way, whatever the speed.
// A binary heap, because a 1,000-agent fleet keeps thousands of events queued.

export type SimTask = () => void | Promise<void>;

interface SimEvent {
  at: number;
  seq: number;
  label: string;
  run: SimTask;
}

export class Scheduler {
  private readonly heap: SimEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Queues `run` at simulated time `at` (ms). Events at the same time run in the order they were queued. */
  at(at: number, label: string, run: SimTask): void {
    if (!Number.isFinite(at)) throw new RangeError(`event ${label}: time must be finite, got ${at}`);
    this.heap.push({ at, seq: this.seq++, label, run });
    this.up(this.heap.length - 1);
  }

  /** Time of the next event, or undefined when the queue is empty. */
  peekTime(): number | undefined {
    return this.heap[0]?.at;
  }

  pop(): SimEvent | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  clear(): void {
    this.heap.length = 0;
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i] as SimEvent;
    const b = this.heap[j] as SimEvent;
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const t = this.heap[i] as SimEvent;
    this.heap[i] = this.heap[j] as SimEvent;
    this.heap[j] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
