// Incident grouping one batch at a time, beside the evaluation passes instead
// of between them. A pass's findings are visible when it commits; grouping
// them asks lineage for each finding's origin (a walk each), which took as
// long as the pass itself at a busy fleet's rate. Waiting for it held every
// record of the next pass back (evaluation lag); now the next pass starts at
// once and grouping follows in order. Only when it falls `maxWaiting`
// batches behind does the pass wait for it, so memory stays bounded and
// incidents stay close behind their findings.
export class GroupingQueue {
  private tail: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly group: (ids: string[], project: string) => Promise<unknown>,
    private readonly log: (line: string) => void,
    private readonly maxWaiting = 4,
  ) {}

  /** Queues a batch; resolves at once, or once the queue is short enough again. */
  async add(ids: string[], project: string): Promise<void> {
    this.waiting++;
    const done = this.tail.then(async () => {
      try {
        await this.group(ids, project);
      } catch (err) {
        // The findings are stored: a later start groups what was left (engine-process.ts).
        this.log(`engine: grouping findings into incidents failed: ${(err as Error).message}`);
      } finally {
        this.waiting--;
      }
    });
    this.tail = done;
    if (this.waiting > this.maxWaiting) await done;
  }

  /** Batches queued and not yet grouped. */
  get length(): number {
    return this.waiting;
  }

  /** Resolves once every queued batch is grouped. */
  drain(): Promise<void> {
    return this.tail;
  }
}
